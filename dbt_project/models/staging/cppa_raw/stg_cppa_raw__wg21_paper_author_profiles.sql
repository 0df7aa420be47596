-- The raw observations of platform wg21: macro stg_platform, from its entry in
-- var('platforms') (loaders/platforms.py).
{{ stg_platform('wg21') }}
