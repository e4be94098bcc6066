"""One settings module; every knob is an environment variable with an embedded default."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext

# Lets admin and queryset classes be subscripted for the type checker at run time too.
django_stubs_ext.monkeypatch()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("SUMMITRY_DATA_DIR", Path.cwd() / "var")).resolve()
# node_modules holds front-end libraries and map data installed at set-up from the lock file.
NODE_MODULES_DIR = Path(
    os.environ.get("SUMMITRY_NODE_MODULES", BASE_DIR.parent.parent / "node_modules")
).resolve()

DEBUG = env_bool("SUMMITRY_DEBUG", False)
# The key comes from the environment, else from the data folder's `secret_key` file (made once by
# `summitry secret-key`, as `make run` does); the public default is for tests and SUMMITRY_DEBUG=1
# only: `summitry serve` refuses it otherwise.
INSECURE_DEFAULT_KEY = "summitry-insecure-development-key-change-me"
SECRET_KEY_FILE = DATA_DIR / "secret_key"


def _secret_key() -> str:
    if os.environ.get("SUMMITRY_SECRET_KEY"):
        return os.environ["SUMMITRY_SECRET_KEY"]
    try:
        return SECRET_KEY_FILE.read_text(encoding="utf-8").strip() or INSECURE_DEFAULT_KEY
    except FileNotFoundError:
        return INSECURE_DEFAULT_KEY


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("SUMMITRY_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("SUMMITRY_CSRF_TRUSTED_ORIGINS", "")
# `summitry serve --port P` sets SUMMITRY_SITE_URL to its own address unless it is set already.
SITE_URL = os.environ.get("SUMMITRY_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "simple_history",
    # Only for its Swagger UI files and template: the API docs load nothing from a CDN.
    "ninja",
    # Before allauth, so that its pages use Summitry's layout.
    "summitry.web",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "summitry.accounts",
    "summitry.directory",
    "summitry.engagements",
    "summitry.outcomes",
    "summitry.review",
    "summitry.rooms",
    "summitry.commitments",
    "summitry.assistance",
    "summitry.knowledge",
    "summitry.exchanges",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "summitry.web.csp.ContentSecurityPolicyMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the switcher's cookie, else Accept-Language, else LANGUAGE_CODE...
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # ...unless the signed-in person chose one: theirs wins (docs/i18n.md).
    "summitry.accounts.middleware.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "summitry.accounts.middleware.RequireSecondFactorMiddleware",
    "summitry.accounts.middleware.ViewerTimezoneMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "summitry.urls"
ASGI_APPLICATION = "summitry.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "summitry.web.context.site",
            ],
        },
    }
]

# Live rooms share state between workers through the channel layer: in memory for one process,
# Redis (SUMMITRY_REDIS_URL) when several ASGI workers serve the rooms.
REDIS_URL = os.environ.get("SUMMITRY_REDIS_URL", "")
# A full channel drops messages; room clients also catch up by version (ping/sync), but a
# room of thousands must not drop routinely. Expiry: a stale change is superseded anyway.
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # Each read may wait out a 5 s blocking pop: redis-py 8's default 5 s socket
            # timeout would end the worker's room subscription after 5 quiet seconds.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                "capacity": 1000,
                "expiry": 30,
            },
        }
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 10000}}
    )
}

# Sign-in limits and used one-time codes must hold across workers: a cache they share, in the
# database (its table is made by `summitry migrate`), or Redis when configured.
CACHES: dict[str, dict[str, object]] = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "summitry",
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "summitry_cache",
            # Culling would forget sign-in failures; expired entries go first anyway.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    )
}

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'summitry.sqlite3'}"),
        conn_max_age=int(os.environ.get("SUMMITRY_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while a write is in progress; a timeout avoids spurious "locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # Each call from the async side opened and closed a connection (a third of a room join's
    # database time); a thread keeps its own. Not for PostgreSQL, whose tests drop the database.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("SUMMITRY_DB_CONN_MAX_AGE", "600"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "engagements:list"
LOGOUT_REDIRECT_URL = "engagements:list"

ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# Accounts are created by administrators; a ministry's register is not open for sign-up.
ACCOUNT_ADAPTER = "summitry.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
# Failed sign-ins (password or code): strict per account, looser per address, so that failures on
# made-up names from an office's one address do not lock its people out.
ACCOUNT_RATE_LIMITS = {"login_failed": "30/10m/ip,5/10m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("SUMMITRY_MFA_ISSUER", "Summitry")

# English stays the default (no Accept-Language, no choice made); the others are the official
# languages of the United Nations, named in their own language for the switcher.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [
    ("en-gb", "English"),
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
]
# Catalogues live in each app's locale/; this one holds the project-level modules' (cli.py...).
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("SUMMITRY_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Only the browser libraries are served from node_modules; map data is rendered on the server.
STATICFILES_DIRS: list[tuple[str, Path]] = [
    (prefix, NODE_MODULES_DIR / sub)
    for prefix, sub in (
        ("vendor/janus-gateway", "janus-gateway/npm/src"),
        ("vendor/webrtc-adapter", "webrtc-adapter/out"),
        ("vendor/tom-select", "tom-select/dist"),
    )
    if (NODE_MODULES_DIR / sub).is_dir()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "summitry.web.storage.SummitryStaticFilesStorage"},
}
# Uploaded files (the knowledge centre's documents): never served directly, only through views
# that apply the access rule.
MEDIA_ROOT = Path(os.environ.get("SUMMITRY_MEDIA_ROOT", DATA_DIR / "media")).resolve()

# The knowledge centre's OAI-PMH repository (/oai): its identifier (a domain name; the site's host
# by default), its name and the address harvesters write to.
OAI_NAMESPACE = os.environ.get("SUMMITRY_OAI_NAMESPACE", "")
OAI_REPOSITORY_NAME = os.environ.get("SUMMITRY_OAI_REPOSITORY_NAME", "")
OAI_ADMIN_EMAIL = os.environ.get("SUMMITRY_OAI_ADMIN_EMAIL", "")
# Records per list answer; harvesters follow resumption tokens for the rest.
OAI_PAGE_SIZE = int(os.environ.get("SUMMITRY_OAI_PAGE_SIZE", "100"))

# Served by ServeStatic (WhiteNoise's ASGI-native fork): files stream without a thread hop.
# `summitry serve` collects the files and serves the compressed copies; tests and development
# read them from the apps and node_modules directly.
SERVESTATIC_USE_FINDERS = env_bool("SUMMITRY_STATIC_FINDERS", True)
SERVESTATIC_AUTOREFRESH = DEBUG

# Janus's event handler authenticates with this; empty: derived from SECRET_KEY.
SUMMITRY_JANUS_EVENTS_PASSWORD = os.environ.get("SUMMITRY_JANUS_EVENTS_PASSWORD", "")

EMAIL_BACKEND = os.environ.get(
    "SUMMITRY_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# Room invitations by mail (docs/rooms.md, "Invitations by e-mail"): SMTP with
# SUMMITRY_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend, or files with ...filebased...
EMAIL_HOST = os.environ.get("SUMMITRY_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SUMMITRY_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("SUMMITRY_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SUMMITRY_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SUMMITRY_EMAIL_TLS", False)
EMAIL_USE_SSL = env_bool("SUMMITRY_EMAIL_SSL", False)
EMAIL_TIMEOUT = 10
EMAIL_FILE_PATH = os.environ.get("SUMMITRY_EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("SUMMITRY_EMAIL_FROM", "Summitry <summitry@localhost>")

# Cookie, CSRF and clickjacking protections. Secure-only cookies and HSTS need HTTPS, which a
# production deployment sets with SUMMITRY_HTTPS=1.
HTTPS = env_bool("SUMMITRY_HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SUMMITRY_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SUMMITRY_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style, no eval, nothing from another origin; live-room pages also connect to
# their Janus instances (added per page by summitry.web.csp). data: images: the TOTP QR code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if env_bool("SUMMITRY_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sign-in limits count per client address: behind N proxies, the one the proxy facing the client
# saw, N entries from the right of X-Forwarded-For (entries further left are the client's word).
ALLAUTH_TRUSTED_PROXY_COUNT = int(
    os.environ.get("SUMMITRY_PROXY_COUNT", "1" if env_bool("SUMMITRY_BEHIND_PROXY", False) else "0")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request (403, 404...) is the client's doing: one line, no traceback.
    "filters": {"client_errors_in_one_line": {"()": "summitry.web.logs.ClientErrorsInOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_errors_in_one_line"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SUMMITRY_LOG_LEVEL", "WARNING")},
}

SILENCED_SYSTEM_CHECKS: list[str] = []

# Calendar feeds cover the past FEED_PAST_DAYS days and everything ahead unless asked for other
# dates (`from`, `to`); the part of a window before today is at most FEED_MAX_DAYS long.
FEED_PAST_DAYS = int(os.environ.get("SUMMITRY_FEED_PAST_DAYS", "90"))
FEED_MAX_DAYS = int(os.environ.get("SUMMITRY_FEED_MAX_DAYS", "731"))
