-- The raw observations of platform mailing_list: macro stg_platform, from its entry in
-- var('platforms') (loaders/platforms.py).
{{ stg_platform('mailing_list') }}
