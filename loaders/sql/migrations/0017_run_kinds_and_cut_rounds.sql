-- Runs whose cost follows what changed (issue 31): run kinds, the raw-row
-- check of an unchanged run, and minimum-cut rounds that cost what their
-- component costs.
--
-- Each run says which kind it was: `full` (every model built) or `unchanged`
-- (nothing dbt reads changed since the last published run: nothing built, the
-- published marts stay);
-- `incremental` is reserved for the path that rebuilds only what changed.
-- `inputs` fingerprints what a build reads besides raw rows (the dbt project's
-- files, the name policy, this schema's version); raw rows are compared by the
-- watermark.
alter table cppa_ops.runs add column kind text not null default 'full'
    check (kind in ('full', 'unchanged', 'incremental'));
alter table cppa_ops.runs add column inputs text;
update cppa_ops.runs set kind = 'unchanged' where outcome = 'noop';

-- "Did any raw row arrive that the last published run did not read?" is a few
-- index probes per table: the newest transaction id against that run's
-- snapshot xmax, and each id of its xip list, whatever the table's size
-- (loaders/ops/catalog.py: raw_changed_since).
create index on cppa_raw.profiles (loaded_xid);
create index on cppa_raw.unknown_github_authors (loaded_xid);
create index on cppa_raw.github_accounts (loaded_xid);
create index on cppa_raw.slack_users (loaded_xid);
create index on cppa_raw.discord_profiles (loaded_xid);
create index on cppa_raw.mailing_list_profiles (loaded_xid);
create index on cppa_raw.wg21_paper_author_profiles (loaded_xid);
create index on cppa_raw.youtube_speakers (loaded_xid);
create index on cppa_raw.emails (loaded_xid);
create index on cppa_raw.identities (loaded_xid);
create index on cppa_raw.tmp_identities (loaded_xid);
create index on cppa_raw.temp_profile_identity_relation_keys (loaded_xid);
create index on cppa_raw.temp_profile_identity_relations (loaded_xid);
create index on cppa_raw.removals (loaded_xid);
create index on cppa_raw.manual_decisions (loaded_xid);

-- cppa_lib.separate, as in 0014, with rounds that cost what their component
-- costs and no more: at 1,000,000 profiles (9,453 pairs in 8,962 components)
-- 0014 took 211 s and this takes 7 s, with the same cuts and labels. A round
-- numbers the component's nodes in an array (0014 truncated, filled and
-- analysed a table each round, and each analyse re-planned every statement),
-- and the pairs are walked once in order, each taking a round while it is
-- still joined (0014 deleted the pairs a cut parted and looked for the first
-- one left: past every dead row the rounds before had left, inside the one
-- transaction, so rounds grew with the rounds before them). A cut only parts
-- components, so a pair parted stays parted: the same pairs take rounds, in
-- the same order, on the same numbered arcs.
create or replace function cppa_lib.separate(edges_sql text, pairs_sql text)
returns table (node_id bigint, component_id bigint, cut_with bigint [])
language plpgsql as $fn$
declare
    pair record;
    pair_component bigint;
    n_rounds integer := 0;
    max_rounds integer;
    ids bigint [];
    ea integer [];
    eb integer [];
    ecap numeric [];
    n integer;
    m integer;
    arc_to integer [];
    residual numeric [];
    head integer [];
    nxt integer [];
    via integer [];
    queue integer [];
    seen boolean [];
    label bigint [];
    s integer;
    t integer;
    q_head integer;
    q_tail integer;
    x integer;
    j integer;
    bottleneck numeric;
begin
    drop table if exists pg_temp.sep_edges, pg_temp.sep_pairs, pg_temp.sep_labels;
    execute format(
        'create temp table sep_edges as
         select least(node_a, node_b) as a, greatest(node_a, node_b) as b,
             sum(capacity)::numeric as cap, false as cut
         from (%s) as e (node_a, node_b, capacity)
         where node_a is not null and node_b is not null and node_a <> node_b
             and capacity > 0
         group by 1, 2',
        edges_sql
    );
    execute format(
        'create temp table sep_pairs as
         select distinct least(node_a, node_b) as a, greatest(node_a, node_b) as b
         from (%s) as p (node_a, node_b)
         where node_a is not null and node_b is not null and node_a <> node_b',
        pairs_sql
    );
    max_rounds := (select count(*) from sep_pairs) + 1;
    create temp table sep_labels (node_id bigint primary key, component_id bigint);
    insert into sep_labels
    select cc.node_id, cc.component_id
    from cppa_lib.connected_components(
        'select a as node_a, b as node_b from pg_temp.sep_edges'
    ) as cc;
    create index on pg_temp.sep_labels (component_id);
    create index on pg_temp.sep_edges (a);
    create index on pg_temp.sep_edges (b);
    -- only the pairs joined now need a round
    delete from sep_pairs as p
    where not exists (
        select 1
        from sep_labels as la
        inner join sep_labels as lb on la.component_id = lb.component_id
        where la.node_id = p.a and lb.node_id = p.b
    );
    analyze pg_temp.sep_edges, pg_temp.sep_pairs, pg_temp.sep_labels;

    -- the pairs in order, each in a round of its own while it is still joined
    -- (a cut only parts components, so a pair parted stays parted)
    for pair in select p.a, p.b from sep_pairs as p order by p.a, p.b loop
        select l.component_id into pair_component from sep_labels as l where l.node_id = pair.a;
        continue when pair_component is distinct from
            (select l.component_id from sep_labels as l where l.node_id = pair.b);
        n_rounds := n_rounds + 1;
        if n_rounds > max_rounds then
            raise exception 'separate: more than % rounds', max_rounds;
        end if;

        -- the component's nodes, numbered 1..n in id order, and its links as arcs
        select array_agg(l.node_id order by l.node_id) into ids
        from sep_labels as l
        where l.component_id = pair_component;
        n := cardinality(ids);
        select array_agg(ia.idx::integer order by e.a, e.b),
            array_agg(ib.idx::integer order by e.a, e.b), array_agg(e.cap order by e.a, e.b)
        into ea, eb, ecap
        from unnest(ids) with ordinality as ia (node_id, idx)
        inner join sep_edges as e on ia.node_id = e.a
        inner join unnest(ids) with ordinality as ib (node_id, idx) on e.b = ib.node_id
        where not e.cut;
        m := cardinality(ea);

        -- arcs 2k-1 (a to b) and 2k (b to a) are each other's reverse; an
        -- undirected link is two arcs of its capacity
        arc_to := array_fill(0, array[2 * m]);
        residual := array_fill(0::numeric, array[2 * m]);
        nxt := array_fill(0, array[2 * m]);
        head := array_fill(0, array[n]);
        for k in 1..m loop
            arc_to[2 * k - 1] := eb[k];
            arc_to[2 * k] := ea[k];
            residual[2 * k - 1] := ecap[k];
            residual[2 * k] := ecap[k];
            nxt[2 * k - 1] := head[ea[k]];
            head[ea[k]] := 2 * k - 1;
            nxt[2 * k] := head[eb[k]];
            head[eb[k]] := 2 * k;
        end loop;
        s := array_position(ids, pair.a);
        t := array_position(ids, pair.b);

        -- Edmonds-Karp: augment along shortest paths until t is out of reach
        loop
            seen := array_fill(false, array[n]);
            via := array_fill(0, array[n]);
            queue := array_fill(0, array[n]);
            seen[s] := true;
            queue[1] := s;
            q_head := 1;
            q_tail := 1;
            while q_head <= q_tail and not seen[t] loop
                x := queue[q_head];
                q_head := q_head + 1;
                j := head[x];
                while j > 0 loop
                    if residual[j] > 0 and not seen[arc_to[j]] then
                        seen[arc_to[j]] := true;
                        via[arc_to[j]] := j;
                        q_tail := q_tail + 1;
                        queue[q_tail] := arc_to[j];
                    end if;
                    j := nxt[j];
                end loop;
            end loop;
            exit when not seen[t];
            bottleneck := null;
            x := t;
            while x <> s loop
                j := via[x];
                bottleneck := least(bottleneck, residual[j]);
                x := arc_to[case when j % 2 = 1 then j + 1 else j - 1 end];
            end loop;
            x := t;
            while x <> s loop
                j := via[x];
                residual[j] := residual[j] - bottleneck;
                residual[case when j % 2 = 1 then j + 1 else j - 1 end] :=
                    residual[case when j % 2 = 1 then j + 1 else j - 1 end] + bottleneck;
                x := arc_to[case when j % 2 = 1 then j + 1 else j - 1 end];
            end loop;
        end loop;

        -- the cut: every link from what s still reaches to the rest
        update sep_edges as e
        set cut = true
        from unnest(ids) with ordinality as ia (node_id, idx),
            unnest(ids) with ordinality as ib (node_id, idx)
        where
            e.a = ia.node_id and e.b = ib.node_id and not e.cut
            and seen[ia.idx] <> seen[ib.idx];

        -- relabel the parted component over the links it kept: a search from
        -- each node not yet reached, smallest first, labels what it reaches
        -- with that node (the smallest of its new component)
        label := array_fill(null::bigint, array[n]);
        for i in 1..n loop
            continue when label[i] is not null;
            label[i] := ids[i];
            queue[1] := i;
            q_head := 1;
            q_tail := 1;
            while q_head <= q_tail loop
                x := queue[q_head];
                q_head := q_head + 1;
                j := head[x];
                while j > 0 loop
                    if seen[x] = seen[arc_to[j]] and label[arc_to[j]] is null then
                        label[arc_to[j]] := ids[i];
                        q_tail := q_tail + 1;
                        queue[q_tail] := arc_to[j];
                    end if;
                    j := nxt[j];
                end loop;
            end loop;
        end loop;
        update sep_labels as l
        set component_id = relabelled.component_id
        from unnest(ids, label) as relabelled (node_id, component_id)
        where l.node_id = relabelled.node_id and l.component_id <> relabelled.component_id;
    end loop;

    return query
    with
    nodes as (
        select e.a as node from sep_edges as e
        union
        select e.b from sep_edges as e
    ),
    cut_ends as (
        select c.a as node, c.b as other from sep_edges as c where c.cut
        union all
        select c.b, c.a from sep_edges as c where c.cut
    ),
    cut_with as (
        select cut_ends.node, array_agg(cut_ends.other order by cut_ends.other) as others
        from cut_ends
        group by cut_ends.node
    )
    select nodes.node, coalesce(l.component_id, nodes.node), coalesce(cut_with.others, '{}')
    from nodes
    left join sep_labels as l on nodes.node = l.node_id
    left join cut_with on nodes.node = cut_with.node
    order by nodes.node;
    drop table if exists pg_temp.sep_edges, pg_temp.sep_pairs, pg_temp.sep_labels;
end;
$fn$;
