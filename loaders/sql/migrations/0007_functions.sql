-- Functions the models and the review queries call, in a schema of their own
-- that the owner (who runs `init`) creates and owns: the roles that run, review
-- and read get EXECUTE, none can replace them, so no session ever executes code
-- that a less privileged role wrote. (They were created by each run in the
-- transformer's work schema before.)
create schema if not exists cppa_lib;

-- Connected components, set-based: each round every node hooks onto its
-- smallest neighbour, pointer jumping flattens the hooks to roots, and the
-- edge list is contracted onto the roots. Rounds grow with log(size), not with
-- the length of a chain; the loop stops when no edge is left and raises if that
-- has not happened after `max_rounds` (convergence is asserted, not assumed).
--
-- Input: the text of a query returning (node_a, node_b). Output: one row per node
-- that appears in an edge, with component_id = the smallest node id of its
-- component, plus the rounds and pointer jumps it took.
create or replace function cppa_lib.connected_components(
    edges_sql text, max_rounds integer default 64
)
returns table (node_id bigint, component_id bigint, rounds integer, jumps integer)
language plpgsql as $fn$
declare
    n_rounds integer := 0;
    n_jumps integer := 0;
    changed bigint;
begin
    drop table if exists pg_temp.cc_edges, pg_temp.cc_labels, pg_temp.cc_parent;
    execute format(
        'create temp table cc_edges as
         select distinct least(node_a, node_b) as a, greatest(node_a, node_b) as b
         from (%s) as e where node_a is not null and node_b is not null and node_a <> node_b',
        edges_sql
    );
    create temp table cc_labels as
    select a as node, a as label from cc_edges
    union
    select b, b from cc_edges;
    create index on cc_labels (label);
    analyze cc_edges;
    analyze cc_labels;

    while exists (select from cc_edges) loop
        n_rounds := n_rounds + 1;
        if n_rounds > max_rounds then
            raise exception 'connected_components did not converge in % rounds', max_rounds;
        end if;

        drop table if exists pg_temp.cc_parent;
        create temp table cc_parent as
        select x, least(x, min(y)) as p
        from (
            select a as x, b as y from cc_edges
            union all
            select b, a from cc_edges
        ) as directed
        group by x;
        alter table cc_parent add primary key (x);
        analyze cc_parent;

        loop
            update cc_parent as child
            set p = parent.p
            from cc_parent as parent
            where child.p = parent.x and parent.p < child.p;
            get diagnostics changed = row_count;
            exit when changed = 0;
            n_jumps := n_jumps + 1;
        end loop;

        update cc_labels as l
        set label = cp.p
        from cc_parent as cp
        where l.label = cp.x and cp.p <> cp.x;

        create temp table cc_next as
        select distinct least(pa.p, pb.p) as a, greatest(pa.p, pb.p) as b
        from cc_edges as e
        inner join cc_parent as pa on e.a = pa.x
        inner join cc_parent as pb on e.b = pb.x
        where pa.p <> pb.p;
        drop table cc_edges;
        alter table cc_next rename to cc_edges;
        analyze cc_edges;
    end loop;

    return query select l.node, l.label, n_rounds, n_jumps from cc_labels as l;
    drop table if exists pg_temp.cc_edges, pg_temp.cc_labels, pg_temp.cc_parent;
end;
$fn$;

-- IDNA for email domains: each non-ASCII label becomes its ASCII "xn--" form
-- (Punycode, RFC 3492), so `josé@café.fr` and `josé@xn--caf-dma.fr` normalise to
-- the same address. Labels are NFC-normalised and lower-cased by the caller
-- first; the ideographic full stops IDNA treats as dots are mapped to '.'.
-- Created by this migration, owned by the schema's owner.
create or replace function cppa_lib.idna_label_to_ascii(label text)
returns text
language plpgsql immutable strict parallel safe as $fn$
declare
    digits constant text := 'abcdefghijklmnopqrstuvwxyz0123456789';
    cps integer[];
    c integer;
    n integer := 128;
    bias integer := 72;
    delta bigint := 0;
    q bigint;
    d bigint;
    total integer;
    basic integer;
    handled integer;
    m integer;
    k integer;
    t integer;
    output text := '';
begin
    if octet_length(label) = char_length(label) then
        return label;
    end if;
    cps := array(select ascii(ch) from regexp_split_to_table(label, '') as ch);
    total := cardinality(cps);
    foreach c in array cps loop
        if c < 128 then
            output := output || chr(c);
        end if;
    end loop;
    basic := char_length(output);
    handled := basic;
    if basic > 0 then
        output := output || '-';
    end if;
    while handled < total loop
        select min(x) into m from unnest(cps) as x where x >= n;
        delta := delta + (m - n)::bigint * (handled + 1);
        n := m;
        foreach c in array cps loop
            if c < n then
                delta := delta + 1;
            elsif c = n then
                q := delta;
                k := 36;
                loop
                    t := case when k <= bias then 1 when k >= bias + 26 then 26 else k - bias end;
                    exit when q < t;
                    output := output || substr(digits, (t + (q - t) % (36 - t))::integer + 1, 1);
                    q := (q - t) / (36 - t);
                    k := k + 36;
                end loop;
                output := output || substr(digits, q::integer + 1, 1);
                -- bias adaptation (RFC 3492 section 6.1)
                d := case when handled = basic then delta / 700 else delta / 2 end;
                d := d + d / (handled + 1);
                k := 0;
                while d > 455 loop
                    d := d / 35;
                    k := k + 36;
                end loop;
                bias := k + (36 * d) / (d + 38);
                delta := 0;
                handled := handled + 1;
            end if;
        end loop;
        delta := delta + 1;
        n := n + 1;
    end loop;
    return 'xn--' || output;
end
$fn$;

create or replace function cppa_lib.idna_to_ascii(domain text)
returns text
language sql immutable strict parallel safe as $fn$
    select coalesce(
        string_agg(cppa_lib.idna_label_to_ascii(label), '.' order by position), ''
    )
    from unnest(string_to_array(translate(domain, '。．｡', '...'), '.'))
        with ordinality as labels (label, position)
$fn$;

-- Trimmed, NFC, lower-cased; the domain (after the only '@') in ASCII form.
create or replace function cppa_lib.normalize_email_unicode(email text)
returns text
language sql immutable strict parallel safe as $fn$
    select case
        when n.address ~ '^[^@]*@[^@]*$'
            then split_part(n.address, '@', 1) || '@'
                || cppa_lib.idna_to_ascii(split_part(n.address, '@', 2))
        else n.address
    end
    from (select lower(btrim(normalize(email, nfc)) collate cppa_raw.fold) as address) as n
$fn$;
