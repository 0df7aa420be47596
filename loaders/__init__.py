"""cppa-identity loaders: the write API collectors import.

Every function validates its arguments, writes append-only rows to the
`cppa_raw` schema and returns small immutable values with stable ids.
"""

from __future__ import annotations

from .decisions import Decision, record_decision
from .discord_profiles import get_or_create_discord_profile, load_discord_profiles
from .emails import add_email, load_emails, remove_email, update_email
from .errors import (
    CppaIdentityError,
    DatabaseUnavailable,
    DecisionRefused,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RunLocked,
    SchemaOutdated,
    TransientConflict,
)
from .github_accounts import (
    get_github_account_by_username,
    get_or_create_github_account,
    get_or_create_owner_account,
    get_or_create_unknown_github_account,
    load_github_accounts,
)
from .identities import (
    add_temp_profile_identity_relation,
    create_identity,
    create_tmp_identity,
    get_or_create_identity,
    remove_temp_profile_identity_relation,
)
from .mailing_list_profiles import get_or_create_mailing_list_profile, load_mailing_list_profiles
from .retry import retry
from .slack_users import get_or_create_slack_user, load_slack_users
from .values import (
    DiscordProfile,
    Email,
    GithubAccount,
    Identity,
    MailingListProfile,
    SlackUser,
    TempProfileIdentityRelation,
    TmpIdentity,
    Wg21PaperAuthorProfile,
    YoutubeSpeaker,
)
from .wg21_paper_author_profiles import (
    get_or_create_wg21_paper_author_profile,
    load_wg21_paper_author_profiles,
)
from .youtube_speakers import get_or_create_youtube_speaker, load_youtube_speakers

__version__ = "0.1.0"

__all__ = [
    "CppaIdentityError",
    "DatabaseUnavailable",
    "Decision",
    "DecisionRefused",
    "DiscordProfile",
    "Email",
    "GithubAccount",
    "Identity",
    "InvalidInput",
    "MailingListProfile",
    "NotFound",
    "PermissionDenied",
    "RunLocked",
    "SchemaOutdated",
    "SlackUser",
    "TempProfileIdentityRelation",
    "TmpIdentity",
    "TransientConflict",
    "Wg21PaperAuthorProfile",
    "YoutubeSpeaker",
    "__version__",
    "add_email",
    "add_temp_profile_identity_relation",
    "create_identity",
    "create_tmp_identity",
    "get_github_account_by_username",
    "get_or_create_discord_profile",
    "get_or_create_github_account",
    "get_or_create_identity",
    "get_or_create_mailing_list_profile",
    "get_or_create_owner_account",
    "get_or_create_slack_user",
    "get_or_create_unknown_github_account",
    "get_or_create_wg21_paper_author_profile",
    "get_or_create_youtube_speaker",
    "load_discord_profiles",
    "load_emails",
    "load_github_accounts",
    "load_mailing_list_profiles",
    "load_slack_users",
    "load_wg21_paper_author_profiles",
    "load_youtube_speakers",
    "record_decision",
    "remove_email",
    "remove_temp_profile_identity_relation",
    "retry",
    "update_email",
]
