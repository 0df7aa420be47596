-- One row per Discord profile: its history reduced to current state.
-- Each field as var('platforms') lists it (macro collapse_platform).
{{ collapse_platform('discord') }}
