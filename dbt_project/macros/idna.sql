{#-
  IDNA for email domains: each non-ASCII label becomes its ASCII "xn--" form
  (Punycode, RFC 3492), so `josé@café.fr` and `josé@xn--caf-dma.fr` normalise to
  the same address. Labels are NFC-normalised and lower-cased by the caller
  first; the ideographic full stops IDNA treats as dots are mapped to '.'.
  Created on run start in the target schema, like connected_components.
-#}
{% macro create_idna_functions() %}
create schema if not exists {{ target.schema }};
create or replace function {{ target.schema }}.idna_label_to_ascii(label text)
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

create or replace function {{ target.schema }}.idna_to_ascii(domain text)
returns text
language sql immutable strict parallel safe as $fn$
    select coalesce(
        string_agg({{ target.schema }}.idna_label_to_ascii(label), '.' order by position), ''
    )
    from unnest(string_to_array(translate(domain, '。．｡', '...'), '.'))
        with ordinality as labels (label, position)
$fn$;

-- Trimmed, NFC, lower-cased; the domain (after the only '@') in ASCII form.
create or replace function {{ target.schema }}.normalize_email_unicode(email text)
returns text
language sql immutable strict parallel safe as $fn$
    select case
        when n.address ~ '^[^@]*@[^@]*$'
            then split_part(n.address, '@', 1) || '@'
                || {{ target.schema }}.idna_to_ascii(split_part(n.address, '@', 2))
        else n.address
    end
    from (select lower(btrim(normalize(email, nfc)) collate cppa_raw.fold) as address) as n
$fn$;
{% endmacro %}
