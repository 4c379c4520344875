"""Settings for the NMHWDC portal.

Everything comes from environment variables with defaults that suit a
developer's machine: SQLite, Celery tasks run in-process, e-mail on the
console. ``DJANGO_ENV=production`` switches on the production checks and
hardening below. The README lists every variable.
"""

import math
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
# Secret keys this repository has published, as defaults docker-compose.yml and the
# Dockerfile once carried: anyone could sign sessions and reset links with them.
PUBLISHED_SECRET_KEYS = {
    "local-compose-secret-key-set-your-own-in-dot-env",
    "build-time-only-secret-for-collectstatic-never-used-to-sign",
}


def env(name, default=""):
    """A variable from the environment, or from the file named by ``NAME_FILE``."""
    if path := os.environ.get(f"{name}_FILE"):
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


# The words a yes/no variable may hold, in any case.
YES = ("1", "true", "yes", "on")
NO = ("0", "false", "no", "off")


def _read(name, default, parse, accepted):
    """The variable as ``parse`` reads it, or ``default`` when unset.

    A value ``parse`` cannot read stops start-up, naming the variable and what it
    accepts: "ture" is a typo to fix, not a "no".
    """
    value = env(name, "").strip()
    if value == "":
        return default
    try:
        return parse(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be {accepted}, not {value!r}.") from None


def _yes_or_no(value):
    if value.lower() in YES + NO:
        return value.lower() in YES
    raise ValueError(value)


def _seconds(value):
    seconds = float(value)
    if not math.isfinite(seconds):  # float() reads "nan" and "inf" too
        raise ValueError(value)
    return seconds


def _whole_numbers(value):
    return tuple(int(item) for item in value.split(",") if item.strip())


def env_bool(name, default):
    return _read(name, default, _yes_or_no, f"one of {', '.join(YES + NO)}")


def env_int(name, default):
    return _read(name, default, int, "a whole number")


def env_seconds(name, default):
    return _read(name, default, _seconds, "a number of seconds")


def env_int_tuple(name, default):
    return _read(name, default, _whole_numbers, "whole numbers separated by commas")


def env_choice(name, default, choices):
    def chosen(value):
        if value not in choices:
            raise ValueError(value)
        return value

    return _read(name, default, chosen, f"one of {', '.join(choices)}")


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def database_from_url(url):
    """Django's DATABASES entry for a ``postgres://`` URL, or SQLite for none."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"DATABASE_URL must be a postgres:// URL, not {parts.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
    }


PRODUCTION = env_choice("DJANGO_ENV", "development", ("development", "production")) == "production"
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
SECRET_KEY = env("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    problems = []
    if DEBUG:
        problems.append("DJANGO_DEBUG must be off")
    if SECRET_KEY in PUBLISHED_SECRET_KEYS:
        problems.append("DJANGO_SECRET_KEY is one this repository publishes: set your own")
    # What check --deploy calls strong enough (security.W009): 50 characters, 5 different.
    elif SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        problems.append("DJANGO_SECRET_KEY must be set to a random value of 50 characters or more")
    if not ALLOWED_HOSTS:
        problems.append("DJANGO_ALLOWED_HOSTS must name the portal's host names")
    if not env("SMTP_HOST"):
        # Otherwise e-mail would go to the console: nobody would get any.
        problems.append("SMTP_HOST must name the SMTP server that sends the portal's e-mail")
    if not env("CACHE_URL"):
        # Otherwise each process counts rate limits on its own.
        problems.append("CACHE_URL must name the shared Redis cache")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems) + ".")

INSTALLED_APPS = [
    "collaborative",
    "trusts",
    "workshops",
    "resources",
    "demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "crispy_forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the session cookie, the query or the form.
    "collaborative.inputs.refuse.RefuseUnusableInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "collaborative.security.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "collaborative.security.middleware.MFARequiredMiddleware",
    "collaborative.security.middleware.PrivateResponsesMiddleware",
    # A signed-in person's form (the admin, the profile) may change a public page.
    "collaborative.inputs.page_cache.ChangesMiddleware",
    "workshops.audit.DoorMiddleware",
]

if PRODUCTION:
    # gunicorn serves static files itself through WhiteNoise; runserver does it in development.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "collaborative.urls"
WSGI_APPLICATION = "collaborative.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "collaborative.site.context_processors.portal",
                "demo.context_processors.demo_data",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "collaborative.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the login, and it must be verified before use.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[NMHWDC] "
# Account e-mails go through the outbox in the portal's style (collaborative.people.adapters).
ACCOUNT_ADAPTER = "collaborative.people.adapters.AccountAdapter"
# Confirming the address signs in the browser that signed up, and opens the profile.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_FORMS = {
    "login": "collaborative.people.forms.LoginForm",
    "signup": "collaborative.people.forms.SignupForm",
    "reset_password": "collaborative.people.forms.ResetPasswordForm",
    "reset_password_from_key": "collaborative.people.forms.ResetPasswordKeyForm",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ALLAUTH_TRUSTED_PROXY_COUNT", 0)
# The forms anyone can send (collaborative.inputs.ratelimit): (sends, per seconds) per client.
RATE_LIMITS = {"contact": (5, 600), "join": (5, 3600)}
# Wrong passwords: 10 a minute from one client, and 5 in 5 minutes for one account
# from one client. AccountAdapter counts the second per account *and client*, so that
# nobody can lock a person out from elsewhere (see README, "Security").
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Adding, removing or choosing an e-mail address, and changing the password, ask for
# the password (or a two-step code) again unless it was given in the last 5 minutes.
ACCOUNT_REAUTHENTICATION_REQUIRED = True

# Two-step verification (allauth.mfa): an authenticator app, with recovery codes.
# Staff and steering group members must enrol (collaborative.security.mfa).
MFA_ADAPTER = "collaborative.security.mfa.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "NMHWDC portal"
# A code from the 30 seconds before or after counts too, for phones whose clock drifts.
MFA_TOTP_TOLERANCE = 1
MFA_FORMS = {
    "authenticate": "collaborative.security.forms.AuthenticateForm",
    "reauthenticate": "collaborative.security.forms.ReauthenticateForm",
    "activate_totp": "collaborative.security.forms.ActivateTOTPForm",
}
# Keys that encrypt the authenticator secrets in the database; the first encrypts,
# all decrypt. None: a key derived from DJANGO_SECRET_KEY.
MFA_ENCRYPTION_KEYS = env_list("MFA_ENCRYPTION_KEYS")

# Sessions: people see and end theirs at /accounts/sessions/ (allauth.usersessions).
# Any session unused this long is ended, "keep me signed in" or not; 0 turns it off.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
# Flash messages can name colleagues: keep them in the session, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["nhsuk"]
CRISPY_TEMPLATE_PACK = "nhsuk"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["collaborative.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    ("build", BASE_DIR / "static" / "build"),
    ("nhsuk/assets", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk" / "assets"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# The largest file the operations manager may add to the resources library.
RESOURCE_UPLOAD_MAX_BYTES = env_int("RESOURCE_UPLOAD_MAX_MB", 25) * 1024 * 1024
# An upload's text is read in a child process with these limits (resources.documents).
RESOURCE_EXTRACTION_SECONDS = env_seconds("RESOURCE_EXTRACTION_SECONDS", 30.0)
RESOURCE_EXTRACTION_MEMORY_MB = env_int("RESOURCE_EXTRACTION_MEMORY_MB", 512)
# Uploads: on S3-compatible object storage when a bucket is named, so that every web and
# worker machine reads the same files; in MEDIA_ROOT otherwise. The bucket stays private:
# files are only ever streamed through the download page, which keeps the access rules.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    UPLOADS = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            # Empty: boto3 finds credentials itself (an instance role, ~/.aws).
            "access_key": env("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
            # Stored names are made up and unique (resources.models.stored_file_name): a
            # name already taken is never written over, it gets a suffix.
            "file_overwrite": False,
        },
    }
else:
    UPLOADS = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": UPLOADS,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Caching: allauth's rate limits count in the default cache, so production
# points it at Redis to share counts between gunicorn workers.
if cache_url := env("CACHE_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Visitors' public pages are kept there too (collaborative/inputs/page_cache.py): at most
# this long, and never past a change, which makes a new generation.
PAGE_CACHE_SECONDS = env_seconds("PAGE_CACHE_SECONDS", 600)

# E-mail (Django 6.1 MAILERS). SMTP when SMTP_HOST is set, else a folder of
# .eml files when MAIL_FILE_PATH is set, else the console.
if smtp_host := env("SMTP_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": smtp_host,
                "port": env_int("SMTP_PORT", 25),
                "username": env("SMTP_USERNAME"),
                "password": env("SMTP_PASSWORD"),
                "use_tls": env_bool("SMTP_USE_TLS", False),
                "timeout": env_int("SMTP_TIMEOUT", 30),
            },
        }
    }
elif mail_file_path := env("MAIL_FILE_PATH"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": mail_file_path},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "NMHWDC portal <no-reply@nmhwdc.nhs.uk>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PROGRAMME_OPERATIONS_EMAIL = env("PROGRAMME_OPERATIONS_EMAIL", "programme.operations@nmhwdc.nhs.uk")

# Celery: with no broker, tasks run eagerly in the web process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
# Redis hands a task whose worker died (SIGKILL, a lost machine) to another worker once
# it has been out this long. Retries and countdowns stay well under it (see README).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
}
# Beat may run on several machines at once: before sending a due task, each beat claims
# its slot in Redis, and only the one that claims it sends (collaborative.celery).
CELERY_BEAT_SCHEDULER = "collaborative.celery:OneSendPerSlot"
# What beat enqueues, and when (Europe/London). Every task is safe to repeat: the
# outbox's unique keys decide what is sent, so a late or doubled run sends nothing twice.
CELERY_BEAT_SCHEDULE = {
    # Offers past their deadline end, and the place goes to the next person waiting.
    "expire-waiting-list-offers": {
        "task": "workshops.tasks.expire_waiting_list_offers",
        "schedule": 300.0,  # seconds: an offer ends at most five minutes late
    },
    # Reminders WORKSHOP_REMINDER_DAYS before each workshop, in working hours; the
    # hourly runs after the first find nothing new to send.
    "send-workshop-reminders": {
        "task": "workshops.tasks.send_reminders",
        "schedule": crontab(minute=0, hour="8-18"),
    },
    # Booking closes the morning after its closing day, and the people still waiting are
    # told they have no place yet (they stay on the waiting list until the start).
    "close-due-bookings": {
        "task": "workshops.tasks.close_due_bookings",
        "schedule": crontab(minute=5, hour="0,8"),
    },
    # Access and dietary needs are removed the night after the workshop, and once a place
    # or a workshop is cancelled (the privacy notice says so).
    "forget-access-needs": {
        "task": "workshops.tasks.forget_access_needs",
        "schedule": crontab(minute=15, hour=0),
    },
    # Feedback: the attendees of a held workshop are asked once it has ended (mark_held
    # asks at once when it already has).
    "request-feedback": {
        "task": "workshops.tasks.request_feedback",
        "schedule": crontab(minute=20),
    },
    # The sweep: messages left unsent MESSAGE_RETRY_AFTER_MINUTES (a lost task, a
    # worker killed mid-send, an SMTP outage past the task's retries) are sent again.
    "retry-unsent-messages": {
        "task": "collaborative.tasks.retry_unsent_messages",
        "schedule": 300.0,
    },
    # Retention (collaborative.privacy): unconfirmed sign-ups go after 30 days, and people
    # inactive for PERSONAL_DATA_RETENTION_DAYS are anonymised, in the quiet of the night.
    "apply-retention": {
        "task": "collaborative.tasks.apply_retention",
        "schedule": crontab(minute=30, hour=3),
    },
}

# Messages (collaborative.outbox.mail). Reminders go this many days before a workshop.
WORKSHOP_REMINDER_DAYS = env_int_tuple("WORKSHOP_REMINDER_DAYS", (7, 1))
# E-mails sent by one task over one SMTP connection.
MESSAGE_BATCH_SIZE = env_int("MESSAGE_BATCH_SIZE", 100)
# The sweep sends again what is still unsent this long after it was recorded or last tried...
MESSAGE_RETRY_AFTER_MINUTES = env_int("MESSAGE_RETRY_AFTER_MINUTES", 5)
# ...until it has failed this many times; then it waits in the admin for a person.
MESSAGE_MAX_ATTEMPTS = env_int("MESSAGE_MAX_ATTEMPTS", 20)

# People with no sign-in and no booking for this many days are anonymised (collaborative.privacy).
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 1095)

# Content Security Policy: nothing from other origins.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading commits the whole registered domain, every name under it, to https in
    # browsers for months: its owner's decision, not one service's. Off unless asked for,
    # and check --deploy's reminder (W021) is silenced while off (README, "HSTS preload").
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Security events, one JSON line each (collaborative.security.events).
    "loggers": {"nmhwdc.security": {"level": "INFO"}},
}

PORTAL_BASE_URL = env("PORTAL_BASE_URL", "http://127.0.0.1:8000")
# Links in allauth's e-mails use the scheme the portal is really served on.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(PORTAL_BASE_URL).scheme
