-- The raw observations of platform slack: macro stg_platform, from its entry in
-- var('platforms') (loaders/platforms.py).
{{ stg_platform('slack') }}
