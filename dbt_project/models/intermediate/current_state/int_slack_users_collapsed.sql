-- One row per Slack user: its history reduced to current state.
-- Each field as var('platforms') lists it (macro collapse_platform).
{{ collapse_platform('slack') }}
