{#- Every value is already folded as the models fold names (macro fold_name), so
    a seed's token can match a folded name at all. -#}
{% test folded_as_names(model, column_name) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} is distinct from {{ fold_name(column_name) }}

{% endtest %}
