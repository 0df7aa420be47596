-- Minimum cuts for "different" decisions. A component that joins the two sides
-- of a "different" decision loses the cheapest set of links that separates
-- them (a minimum s-t cut, by max flow), never more: the rest of the component
-- stays as the evidence drew it. Decisions are taken one at a time, smallest
-- pair first, until no decided pair shares a component; every round separates
-- at least one pair for good, so the rounds are bounded by the pairs.
--
-- Input: a query returning (node_a, node_b, capacity) -- one row per evidence
-- link; the rows of one node pair add up -- and a query returning the pairs
-- (node_a, node_b) to separate. The caller chooses the capacities: the merge
-- weighs each link by its strength so that one strong link costs more than
-- every weaker link together (the cut takes the weakest evidence, as few
-- links of it as will do).
--
-- Output: one row per node of the input links: the component it is in after
-- the cuts (the smallest node id) and the nodes it lost a direct link to.
create or replace function cppa_lib.separate(edges_sql text, pairs_sql text)
returns table (node_id bigint, component_id bigint, cut_with bigint [])
language plpgsql as $fn$
declare
    pair record;
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
    s integer;
    t integer;
    q_head integer;
    q_tail integer;
    x integer;
    j integer;
    bottleneck numeric;
begin
    drop table if exists pg_temp.sep_edges, pg_temp.sep_pairs, pg_temp.sep_labels,
        pg_temp.sep_index;
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

    loop
        n_rounds := n_rounds + 1;
        if n_rounds > max_rounds then
            raise exception 'separate: % pairs still joined after % rounds',
                (select count(*) from sep_pairs), max_rounds;
        end if;
        truncate sep_labels;
        insert into sep_labels
        select cc.node_id, cc.component_id
        from cppa_lib.connected_components(
            'select a as node_a, b as node_b from pg_temp.sep_edges where not cut'
        ) as cc;

        select p.a, p.b, la.component_id into pair
        from sep_pairs as p
        inner join sep_labels as la on p.a = la.node_id
        inner join sep_labels as lb on p.b = lb.node_id
        where la.component_id = lb.component_id
        order by p.a, p.b
        limit 1;
        exit when not found;

        -- the component's nodes, numbered 1..n, and its links as arcs
        drop table if exists pg_temp.sep_index;
        create temp table sep_index as
        select l.node_id, (row_number() over (order by l.node_id))::integer as idx
        from sep_labels as l
        where l.component_id = pair.component_id;
        alter table sep_index add primary key (node_id);
        select array_agg(i.node_id order by i.idx) into ids from sep_index as i;
        n := cardinality(ids);
        select array_agg(ia.idx order by e.a, e.b), array_agg(ib.idx order by e.a, e.b),
            array_agg(e.cap order by e.a, e.b)
        into ea, eb, ecap
        from sep_edges as e
        inner join sep_index as ia on e.a = ia.node_id
        inner join sep_index as ib on e.b = ib.node_id
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
        s := (select i.idx from sep_index as i where i.node_id = pair.a);
        t := (select i.idx from sep_index as i where i.node_id = pair.b);

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
        from sep_index as ia, sep_index as ib
        where
            e.a = ia.node_id and e.b = ib.node_id and not e.cut
            and seen[ia.idx] <> seen[ib.idx];
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
    drop table if exists pg_temp.sep_edges, pg_temp.sep_pairs, pg_temp.sep_labels,
        pg_temp.sep_index;
end;
$fn$;
