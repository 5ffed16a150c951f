"""All settings in one module. Environment variables (documented in docs/deployment.md)
override the defaults; the defaults run the SQLite demo with no set-up."""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_noop

from clustermonitor.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
# Where the SQLite database, uploads and generated files live unless configured.
VAR_DIR = Path(env_str("CLUSTERMONITOR_VAR_DIR", str(Path.cwd() / "var")))

ENVIRONMENT = env_choice("CLUSTERMONITOR_ENV", ("development", "production", "test"), "development")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when CLUSTERMONITOR_ENV=production.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",  # login throttling and lockout (settings LOGIN_* below)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # serves Swagger UI from our own static files, not a CDN
    "rules.apps.AutodiscoverRulesConfig",
    "clustermonitor.core",
    "clustermonitor.accounts",
    "clustermonitor.programmes",
    "clustermonitor.registry",
    "clustermonitor.members",
    "clustermonitor.billing",  # invoices for fees, credit notes, Peppol UBL, reminders
    "clustermonitor.banking",  # bank statements (CODA, camt.053) matched to invoices
    "clustermonitor.activities",
    "clustermonitor.registrations",  # event registration and check-in (issue 18)
    "clustermonitor.collaborations",
    "clustermonitor.selfservice",  # member self-service, offers and requests (issue 18)
    "clustermonitor.monitoring",
    "clustermonitor.surveys",
    "clustermonitor.maturity",
    "clustermonitor.accountmanagement",
    "clustermonitor.grants",  # calls' conditions and online applications (issue 19)
    "clustermonitor.review",  # eligibility screening, the jury, decisions (issue 19)
    "clustermonitor.agreements",  # agreements, amendments, tranches, payments (issue 19)
    "clustermonitor.impact",  # annual accounts and the economic-impact estimate (issue 20)
    "clustermonitor.reports",
    "clustermonitor.prospects",  # a cluster's pipeline of prospects (issue 18)
    "clustermonitor.mailings",  # newsletters, consent, unsubscribes, bounces
    "clustermonitor.portal",  # the public portal: cluster profiles and public pages
    "clustermonitor.demodata",  # the demo: its loaders and commands (demo, load-demo, generate)
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "clustermonitor.core.middleware.SecurityHeadersMiddleware",
    # A database still locked after the busy timeout (SQLite): 503 + Retry-After.
    "clustermonitor.core.middleware.DatabaseBusyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "clustermonitor.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clustermonitor.accounts.otp.KeptDeviceOTPMiddleware",
    "clustermonitor.accounts.twofactor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a lockout into the login page with its message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clustermonitor.urls"
WSGI_APPLICATION = "clustermonitor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clustermonitor.context_processors.navigation",
            ],
            "builtins": [
                "django.templatetags.i18n",
                "clustermonitor.core.templatetags.format",
                "clustermonitor.core.templatetags.badges",
            ],
            # The breadcrumbs and a cluster's tabs (base.html).
            "libraries": {"navigation": "clustermonitor.context_processors"},
        },
    }
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite needs its folder to exist
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "clustermonitor.sqlite3")),
        }
    }
# Every SQLite connection, however configured (SQLITE_PATH or DATABASE_URL=sqlite:///…):
# WAL (readers never wait for the writer), a busy timeout (a writer waits its turn
# instead of failing at once) and BEGIN IMMEDIATE (a transaction takes the write lock
# when it starts, so it never has to upgrade a read lock, which SQLite refuses with
# "database is locked" without waiting). PostgreSQL needs none of this.
SQLITE_BUSY_TIMEOUT = env_int("SQLITE_BUSY_TIMEOUT", 20)  # seconds, under gunicorn's 30 s
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": SQLITE_BUSY_TIMEOUT,
}
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        _database.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache of kept pages and results (core.memo, core.pagecache). Without CACHE_URL:
# each process its own local memory (the embedded default). With a Redis CACHE_URL
# (redis://host:6379/1, rediss://, unix://): one copy shared by every web worker,
# db_worker and command, which also keeps sessions and the signed-in user there
# (core.sharedcache). An unreachable Redis makes every read a miss, never a 500.
CACHE_URL = env_str("CACHE_URL")
_cache_scheme = urlsplit(CACHE_URL).scheme if CACHE_URL else "locmem"
if _cache_scheme in ("redis", "rediss", "unix"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # Each deployment (or two sharing one Redis database) its own keys.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "clustermonitor"),
            "TIMEOUT": 3600,
            "OPTIONS": {
                # A Redis that does not answer costs a request at most this, not a hang.
                "socket_connect_timeout": 0.5,
                "socket_timeout": 2,
            },
        }
    }
elif _cache_scheme == "locmem":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        }
    }
else:
    raise ImproperlyConfigured(
        f"CACHE_URL={CACHE_URL!r}: use redis://host:port/db (or rediss://, unix://), "
        "or leave it unset for each process's own memory."
    )
#: Whether every process shares the cache (core.sharedcache keeps mirrors only then).
CLUSTERMONITOR_SHARED_CACHE = _cache_scheme != "locmem"
# Sessions: read from the shared cache, written through to the database (a Redis
# restart logs nobody out). A per-process cache cannot hold them: a logout in one
# worker would not reach another's copy.
SESSION_ENGINE = (
    "clustermonitor.core.sessions"
    if CLUSTERMONITOR_SHARED_CACHE
    else "django.contrib.sessions.backends.db"
)

AUTHENTICATION_BACKENDS = [
    # First: refuses every password while the account or the address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend; keeps the signed-in user for a generation (shared cache).
    "clustermonitor.accounts.backends.ModelBackendKeptUser",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "programmes:home"  # the persona's inbox (monitoring/inbox.py)
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes, docs/access.md): LOGIN_FAILURE_LIMIT wrong passwords in
# LOGIN_COOLOFF_MINUTES, for one username (from any address) or from one address (for
# any username), lock that username or address for LOGIN_COOLOFF_MINUTES after the last
# counted failure. The programme manager can unlock earlier (Users > Locked sign-ins).
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A right password during the lock does not unlock, and tries during it do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "clustermonitor.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "clustermonitor.accounts.lockout.client_address"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not kept (last_login is)
#: Proxies in front of the application that append to X-Forwarded-For (nginx: 1). The
#: client's address is then read from that header instead of the proxy's own address.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

# Two-factor sign-in (django-otp, docs/access.md): required for the roles that see
# personal data, optional for everyone else.
OTP_TOTP_ISSUER = env_str("OTP_ISSUER", "clustermonitor")
OTP_TOTP_THROTTLE_FACTOR = 1  # 1, 2, 4, 8 ... seconds between tries after wrong codes
OTP_STATIC_THROTTLE_FACTOR = 1

# Dutch first, English second. The language is the visitor's choice (cookie), not
# the browser's Accept-Language: see core.middleware.LanguageMiddleware.
LANGUAGE_CODE = "nl"
# Each language by its own name, in both interfaces (the catalogue keeps them as they are).
LANGUAGES = [("nl", gettext_noop("Nederlands")), ("en", gettext_noop("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, serve static files straight from the apps (no collectstatic).
WHITENOISE_AUTOREFRESH = not PRODUCTION
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# E-mail: printed to the console in development; SMTP (EMAIL_HOST ...) in production.
MAILERS = {
    "default": {
        "BACKEND": env_str(
            "EMAIL_BACKEND",
            "django.core.mail.backends.smtp.EmailBackend"
            if PRODUCTION
            else "django.core.mail.backends.console.EmailBackend",
        ),
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS"),
        }
        if PRODUCTION
        else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "clustermonitor@localhost")
# The mailings' `List-Unsubscribe: <mailto:…>` address (RFC 2369): a mailbox that
# `clustermonitor record-bounces` reads (docs/user-guide.md, "Mailings").
MAILINGS_UNSUBSCRIBE_EMAIL = env_str("MAILINGS_UNSUBSCRIBE_EMAIL", DEFAULT_FROM_EMAIL)

# The official compiled Schematron of an OpenPeppol release (CEN-EN16931-UBL.xslt and
# PEPPOL-EN16931-UBL.xslt), where the deployment installs it: invoices are then checked
# against it too before they leave (billing/peppol.py, docs/deployment.md).
PEPPOL_RULES_DIR = env_str("PEPPOL_RULES_DIR", "") or None

# Security. Production turns every protection on; `clustermonitor check --deploy`
# is clean with CLUSTERMONITOR_ENV=production (a test asserts it).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features denied by the Permissions-Policy header on every response
# (core.middleware.SecurityHeadersMiddleware). PERMISSIONS_POLICY_SELF=camera (a comma-
# separated list) allows a feature for the site itself, e.g. the camera for a QR check-in.
PERMISSIONS_POLICY_FEATURES = (
    "accelerometer",
    "autoplay",
    "bluetooth",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
_allowed_features = env_list("PERMISSIONS_POLICY_SELF")
if set(_allowed_features) - set(PERMISSIONS_POLICY_FEATURES):
    raise ImproperlyConfigured(
        "PERMISSIONS_POLICY_SELF names unknown features: "
        + ", ".join(sorted(set(_allowed_features) - set(PERMISSIONS_POLICY_FEATURES)))
    )
PERMISSIONS_POLICY = {
    feature: ["self"] if feature in _allowed_features else []
    for feature in PERMISSIONS_POLICY_FEATURES
}
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Long work (KBO enrichment, report generation) runs as tasks: in the request for the
# demo and the tests, on the database queue with `clustermonitor db_worker` in production.
TASKS_BACKEND = env_choice(
    "TASKS_BACKEND", ("immediate", "database"), "database" if PRODUCTION else "immediate"
)
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND]
    }
}
# A running report whose worker gave no sign of life (a progress step) for this many
# seconds is marked failed, so that it can be retried (reports.services.fail_stale_runs).
REPORT_RUN_STALE_AFTER = env_int("REPORT_RUN_STALE_AFTER", 900)
# Where monthly KBO extracts are put for the web page to offer (server-side files).
KBO_DIR = Path(env_str("KBO_DIR", str(VAR_DIR / "kbo" / "incoming")))

# Limits on what an uploaded spreadsheet may unpack to (docs/user-guide.md): a file is small
# when sent but can declare millions of rows or columns; these are checked before and
# while it is read. Sized for real member lists and survey exports.
UPLOAD_MAX_ROWS = env_int("UPLOAD_MAX_ROWS", 100_000)
UPLOAD_MAX_COLUMNS = env_int("UPLOAD_MAX_COLUMNS", 1_000)
UPLOAD_MAX_CELLS = env_int("UPLOAD_MAX_CELLS", 3_000_000)
UPLOAD_MAX_UNPACKED_BYTES = env_int("UPLOAD_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)
# An XLSForm is a questionnaire: a few hundred rows per sheet.
XLSFORM_MAX_ROWS = env_int("XLSFORM_MAX_ROWS", 5_000)
# A monthly KBO update uploaded through the web page (a full extract goes in KBO_DIR).
KBO_UPLOAD_MAX_BYTES = env_int("KBO_UPLOAD_MAX_BYTES", 500 * 1024 * 1024)
KBO_UPLOAD_MAX_UNPACKED_BYTES = env_int("KBO_UPLOAD_MAX_UNPACKED_BYTES", 4 * 1024 * 1024 * 1024)
# Annual accounts (issue 20): the largest upload on /impact/accounts/, and the size up to
# which it is imported while the page waits (larger ones run as a background task).
ACCOUNTS_UPLOAD_MAX_BYTES = env_int("ACCOUNTS_UPLOAD_MAX_BYTES", 500 * 1024 * 1024)
ACCOUNTS_SYNC_MAX_BYTES = env_int("ACCOUNTS_SYNC_MAX_BYTES", 5 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

if ENVIRONMENT == "test":
    # Fast on purpose (healthchecks does the same): cheap hashing, mail in memory.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
