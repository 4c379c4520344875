"""Demonstration accounts, one per role.

The people are fictional, flagged as demonstration data, and their addresses are on
reserved ``.test`` domains that the demo maps to their Trusts (``slam.nhs.test``), so
that affiliation works as for real staff and no e-mail can reach anyone. The
passwords below are published in the README and printed by ``load_demo``: they are
for a developer's machine or a demo site, never for a live portal.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress

from collaborative.people.models import FunctionalArea, Seniority, User
from collaborative.people.roles import sync_programme_operations_group
from demo.registry import flag, sync
from trusts.models import StakeholderBody, Trust


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    role: str
    full_name: str
    job_title: str
    seniority: str = ""
    functional_area: str = ""
    trust_ods_code: str = ""
    stakeholder_body: str = ""
    is_staff: bool = False
    is_steering_member: bool = False


# The addresses start with "demo." and are on reserved .test domains, so that none can be
# a real colleague's and no message can be delivered to them.
DEMO_ACCOUNTS = (
    DemoAccount(
        email="demo.operations@nmhwdc.nhs.test",
        password="demo-operations-2026!",
        role="Programme operations manager (admin site)",
        full_name="Morgan Ellis",
        job_title="Programme Operations Manager",
        is_staff=True,
    ),
    DemoAccount(
        email="demo.steering@oxfordhealth.nhs.test",
        password="demo-steering-2026!",
        role="Steering group member, Oxford Health (founding Trust)",
        full_name="Priya Raman",
        job_title="Director of Workforce",
        seniority=Seniority.DIRECTOR,
        functional_area=FunctionalArea.HR_WORKFORCE,
        trust_ods_code="RNU",
        is_steering_member=True,
    ),
    DemoAccount(
        email="demo.nursing@slam.nhs.test",
        password="demo-nursing-2026!",
        role="Director of Nursing, South London and Maudsley (member Trust)",
        full_name="Grace Okafor",
        job_title="Director of Nursing",
        seniority=Seniority.DIRECTOR,
        functional_area=FunctionalArea.NURSING,
        trust_ods_code="RV5",
    ),
    DemoAccount(
        email="demo.od@cwp.nhs.test",
        password="demo-development-2026!",
        role="Director of Organisational Development, Cheshire and Wirral (member Trust)",
        full_name="Tom Whitfield",
        job_title="Director of Organisational Development",
        seniority=Seniority.DIRECTOR,
        functional_area=FunctionalArea.OD_TRAINING_EDUCATION,
        trust_ods_code="RXA",
    ),
    DemoAccount(
        email="demo.stakeholder@hee.nhs.test",
        password="demo-stakeholder-2026!",
        role="Stakeholder representative, Health Education England",
        full_name="Sam Adeyemi",
        job_title="Regional Mental Health Lead",
        seniority=Seniority.OTHER,
        stakeholder_body="Health Education England",
    ),
)


def move_demo_addresses():
    """Earlier demo loads gave the fictional people addresses on real NHS domains
    (demo.nursing@slam.nhs.uk); move each to its reserved twin (demo.nursing@slam.nhs.test)."""
    for user in User.objects.filter(email__startswith="demo.").exclude(email__endswith=".test"):
        local, _, domain = user.email.partition("@")
        if not domain.endswith(".nhs.uk"):
            continue
        new = f"{local}@{domain.removesuffix('.nhs.uk')}.nhs.test"
        if User.objects.filter(email=new).exists():
            continue
        EmailAddress.objects.filter(user=user, email=user.email).update(email=new)
        user.email = new
        user.save(update_fields=["email"])


def load_accounts():
    """Create or update the demo accounts, each with a verified primary address.

    A password is set only when the account is created, so a second run never
    undoes a password someone changed while trying the portal.
    """
    operations = sync_programme_operations_group()
    for account in DEMO_ACCOUNTS:
        values = {
            "full_name": account.full_name,
            "job_title": account.job_title,
            "seniority": account.seniority,
            # Demo accounts start with their seniority confirmed, as the operations manager
            # would have done, so each role can be tried at once.
            "confirmed_seniority": account.seniority,
            "functional_area": account.functional_area,
            "trust": Trust.objects.get(ods_code=account.trust_ods_code)
            if account.trust_ods_code
            else None,
            "stakeholder_body": StakeholderBody.objects.get(name=account.stakeholder_body)
            if account.stakeholder_body
            else None,
            "is_staff": account.is_staff,
            "is_superuser": False,
            "is_steering_member": account.is_steering_member,
            "is_active": True,
        }
        if not User.objects.filter(email=account.email).exists():
            User.objects.create_user(account.email, account.password)
        user = flag(sync(User, {"email": account.email}, values))
        if account.is_staff:
            # The operations manager is the only staff account; the group gives the rights.
            user.groups.add(operations)
        sync(
            EmailAddress,
            {"user": user, "email": account.email},
            {"verified": True, "primary": True},
        )
