-- The raw observations of platform youtube: macro stg_platform, from its entry in
-- var('platforms') (loaders/platforms.py).
{{ stg_platform('youtube') }}
