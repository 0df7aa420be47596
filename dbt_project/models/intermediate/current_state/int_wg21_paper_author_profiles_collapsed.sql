-- One row per WG21 paper author: its history reduced to current state.
-- Each field as var('platforms') lists it (macro collapse_platform).
{{ collapse_platform('wg21') }}
