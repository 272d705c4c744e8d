"""The demo city, Fuzhou (福州市, region 350100): departments, officials, citizens, businesses and
base-registry records. Data only; ``manage.py seed_demo`` turns it into rows.

Every identifier is generated with its real check character (GB 11643 for resident ID numbers,
GB 32100 for Unified Social Credit Codes), so the demo behaves like production data. Codes, emails,
ID numbers and USCCs are the stable keys the command seeds on: change them and the next run creates
new rows instead of updating the old ones.
"""

import datetime
from dataclasses import dataclass

from accounts import identifiers
from accounts.models import DepartmentLevel, Gender, OfficialRole

CITY_REGION_CODE = "350100"
OFFICIAL_EMAIL_DOMAIN = "demo.gov.cn"
CITIZEN_EMAIL_DOMAIN = "demo.cn"


# --- Departments ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoDepartment:
    code: str
    name_zh: str
    name_en: str
    level: str
    region_code: str
    parent: str | None = None  # the parent's code; parents come before their children
    is_service_window: bool = False


CITY = DepartmentLevel.CITY
DISTRICT = DepartmentLevel.DISTRICT
STREET = DepartmentLevel.STREET
COMMUNITY = DepartmentLevel.COMMUNITY

DEPARTMENTS: tuple[DemoDepartment, ...] = (
    DemoDepartment(
        "fz-gov", "福州市人民政府", "Fuzhou Municipal People's Government", CITY, "350100"
    ),
    # City-level functional departments: children of the city government, same level and region.
    DemoDepartment(
        "fz-window",
        "福州市行政服务中心",
        "Fuzhou Administrative Service Centre",
        CITY,
        "350100",
        parent="fz-gov",
        is_service_window=True,
    ),
    DemoDepartment(
        "fz-market",
        "福州市市场监督管理局",
        "Fuzhou Administration for Market Regulation",
        CITY,
        "350100",
        parent="fz-gov",
    ),
    DemoDepartment(
        "fz-health",
        "福州市卫生健康委员会",
        "Fuzhou Municipal Health Commission",
        CITY,
        "350100",
        parent="fz-gov",
    ),
    DemoDepartment(
        "fz-housing",
        "福州市住房和城乡建设局",
        "Fuzhou Housing and Urban-Rural Development Bureau",
        CITY,
        "350100",
        parent="fz-gov",
    ),
    DemoDepartment(
        "fz-natres",
        "福州市自然资源和规划局",
        "Fuzhou Natural Resources and Planning Bureau",
        CITY,
        "350100",
        parent="fz-gov",
    ),
    DemoDepartment(
        "fz-ecology",
        "福州市生态环境局",
        "Fuzhou Ecology and Environment Bureau",
        CITY,
        "350100",
        parent="fz-gov",
    ),
    DemoDepartment(
        "fz-fire",
        "福州市消防救援支队",
        "Fuzhou Fire and Rescue Detachment",
        CITY,
        "350100",
        parent="fz-gov",
    ),
    DemoDepartment(
        "fz-culture",
        "福州市文化和旅游局",
        "Fuzhou Culture and Tourism Bureau",
        CITY,
        "350100",
        parent="fz-gov",
    ),
    # One district with its own service centre and market regulation bureau.
    DemoDepartment(
        "fz-gulou",
        "福州市鼓楼区人民政府",
        "Gulou District People's Government",
        DISTRICT,
        "350102",
        parent="fz-gov",
    ),
    DemoDepartment(
        "fz-gulou-window",
        "鼓楼区行政服务中心",
        "Gulou District Administrative Service Centre",
        DISTRICT,
        "350102",
        parent="fz-gulou",
        is_service_window=True,
    ),
    DemoDepartment(
        "fz-gulou-market",
        "鼓楼区市场监督管理局",
        "Gulou District Administration for Market Regulation",
        DISTRICT,
        "350102",
        parent="fz-gulou",
    ),
    DemoDepartment(
        "fz-gulou-dongjie",
        "鼓楼区东街街道办事处",
        "Dongjie Street Office, Gulou District",
        STREET,
        "350102001",
        parent="fz-gulou",
    ),
    DemoDepartment(
        "fz-gulou-dongjie-nanying",
        "东街街道南营社区居民委员会",
        "Nanying Community Residents' Committee, Dongjie Street",
        COMMUNITY,
        "350102001001",
        parent="fz-gulou-dongjie",
    ),
)

# 发文字号: the short names the agencies' document numbers begin with (榕 is Fuzhou, 鼓 Gulou).
DOCUMENT_PREFIXES: dict[str, str] = {
    "fz-gov": "榕政",
    "fz-window": "榕审批",
    "fz-market": "榕市监",
    "fz-health": "榕卫健",
    "fz-housing": "榕建",
    "fz-natres": "榕资规",
    "fz-ecology": "榕环",
    "fz-fire": "榕消",
    "fz-culture": "榕文旅",
    "fz-gulou": "鼓政",
    "fz-gulou-window": "鼓审批",
    "fz-gulou-market": "鼓市监",
}


# --- People ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPerson:
    """A person in the population registry. The ID number is built from the region, the birth
    date and a sequence number whose parity matches the gender, plus the GB 11643 check
    character."""

    name: str
    gender: str
    birth_date: datetime.date
    sequence: int  # 1–999; odd for men, even for women (GB 11643)
    region: str = "350102"
    address: str = "福建省福州市鼓楼区五四路1号"

    def __post_init__(self):
        if (self.sequence % 2 == 1) != (self.gender == Gender.MALE):
            raise ValueError(f"{self.name}: the sequence parity must match the gender")

    @property
    def id_number(self) -> str:
        first17 = f"{self.region}{self.birth_date:%Y%m%d}{self.sequence:03d}"
        return first17 + identifiers.id_number_check_character(first17)


M, F = Gender.MALE, Gender.FEMALE


def _person(index: int, name: str, gender: str, address: str) -> DemoPerson:
    """Officials' registry entries: distinct birth dates spread over 1968–1995."""
    birth_date = datetime.date(1968 + index % 28, 1 + index % 12, 1 + (index * 7) % 28)
    sequence = 100 + 2 * index + (1 if gender == M else 0)
    return DemoPerson(name, gender, birth_date, sequence, region="350103", address=address)


OFFICIAL_ADDRESS = "福建省福州市台江区八一七中路100号"


@dataclass(frozen=True)
class DemoOfficial:
    email: str
    role: str
    department: str  # department code
    person: DemoPerson
    mobile: str
    is_staff: bool = False


# Each functional department has a reviewer, an approver and a head; the key is the email prefix.
FUNCTIONAL_DEPARTMENT_STAFF: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "market": ("fz-market", (("林海峰", M), ("陈晓燕", F), ("郑国强", M))),
    "health": ("fz-health", (("黄志明", M), ("刘秀英", F), ("吴建华", M))),
    "housing": ("fz-housing", (("周俊杰", M), ("徐丽华", F), ("孙大勇", M))),
    "natres": ("fz-natres", (("朱文斌", M), ("何静怡", F), ("高振东", M))),
    "ecology": ("fz-ecology", (("罗明辉", M), ("梁雪梅", F), ("宋立新", M))),
    "fire": ("fz-fire", (("谢宏伟", M), ("韩春燕", F), ("唐建军", M))),
    "culture": ("fz-culture", (("冯晓东", M), ("邓婷婷", F), ("许志远", M))),
    "gulou.market": ("fz-gulou-market", (("曾凡宇", M), ("彭丽娟", F), ("萧德荣", M))),
}
FUNCTIONAL_ROLES = (OfficialRole.REVIEWER, OfficialRole.APPROVER, OfficialRole.DEPARTMENT_HEAD)
_ROLE_EMAIL_SUFFIX = {
    OfficialRole.REVIEWER: "reviewer",
    OfficialRole.APPROVER: "approver",
    OfficialRole.DEPARTMENT_HEAD: "head",
}

# (email prefix, role, department, name, gender, staff): the window and supervision posts.
_OTHER_POSTS = (
    ("clerk", OfficialRole.INTAKE_CLERK, "fz-window", "杨敏", F, False),
    ("clerk2", OfficialRole.INTAKE_CLERK, "fz-window", "赵磊", M, False),
    ("gulou.clerk", OfficialRole.INTAKE_CLERK, "fz-gulou-window", "蔡小红", F, False),
    # The supervisor (电子监察) inspects the audit trail through the admin.
    ("supervisor", OfficialRole.SUPERVISOR, "fz-gov", "潘正义", M, True),
)


def _build_officials() -> tuple[DemoOfficial, ...]:
    officials = []
    for prefix, role, department, name, gender, is_staff in _OTHER_POSTS:
        officials.append((prefix, role, department, name, gender, is_staff))
    for prefix, (department, staff) in FUNCTIONAL_DEPARTMENT_STAFF.items():
        for role, (name, gender) in zip(FUNCTIONAL_ROLES, staff, strict=True):
            officials.append(
                (f"{prefix}.{_ROLE_EMAIL_SUFFIX[role]}", role, department, name, gender, False)
            )
    return tuple(
        DemoOfficial(
            email=f"{prefix}@{OFFICIAL_EMAIL_DOMAIN}",
            role=role,
            department=department,
            person=_person(index, name, gender, OFFICIAL_ADDRESS),
            mobile=f"1370000{index + 1:04d}",
            is_staff=is_staff,
        )
        for index, (prefix, role, department, name, gender, is_staff) in enumerate(officials)
    )


OFFICIALS: tuple[DemoOfficial, ...] = _build_officials()


@dataclass(frozen=True)
class DemoAdministrator:
    email: str
    display_name: str


ADMINISTRATOR = DemoAdministrator(f"admin@{OFFICIAL_EMAIL_DOMAIN}", "系统管理员")


@dataclass(frozen=True)
class DemoCitizen:
    email: str
    mobile: str
    person: DemoPerson


ZHANG_WEI = DemoPerson("张伟", M, datetime.date(1985, 3, 12), 11)
LI_NA = DemoPerson("李娜", F, datetime.date(1990, 7, 25), 22, address="福建省福州市鼓楼区东街8号")
WANG_FANG = DemoPerson(
    "王芳",
    F,
    datetime.date(1978, 11, 3),
    42,
    region="350104",
    address="福建省福州市仓山区上渡路12号",
)

CITIZENS: tuple[DemoCitizen, ...] = (
    DemoCitizen(f"citizen1@{CITIZEN_EMAIL_DOMAIN}", "13800000001", ZHANG_WEI),
    DemoCitizen(f"citizen2@{CITIZEN_EMAIL_DOMAIN}", "13800000002", LI_NA),
    DemoCitizen(f"citizen3@{CITIZEN_EMAIL_DOMAIN}", "13800000003", WANG_FANG),
)

# People in the population registry without an account: anyone trying sign-up on the demo uses
# one of these. The first is also the legal representative of the unregistered business below.
CHEN_JING = DemoPerson(
    "陈静", F, datetime.date(1992, 2, 14), 64, address="福建省福州市鼓楼区杨桥东路20号"
)
REGISTRY_ONLY_PEOPLE: tuple[DemoPerson, ...] = (
    CHEN_JING,
    DemoPerson("林强", M, datetime.date(1988, 9, 30), 73, region="350111"),
    DemoPerson("黄丽", F, datetime.date(1995, 5, 8), 86, region="350181"),
)
SIGN_UP_EXAMPLE = CHEN_JING


# --- Businesses -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoBusiness:
    """A legal-person registry entry, and (when ``admin_email`` is set) the registered business
    with its administrator (the legal representative) and an agent."""

    name: str
    organisation_code: str  # the 9 characters after the region code
    legal_representative: DemoPerson
    address: str
    established_on: datetime.date
    admin_email: str | None = None
    agent_email: str | None = None

    @property
    def uscc(self) -> str:
        # 9 = registered by the market regulator, 1 = enterprise, then the region code.
        first17 = f"91{CITY_REGION_CODE}{self.organisation_code}"
        return first17 + identifiers.uscc_check_character(first17)


BUSINESSES: tuple[DemoBusiness, ...] = (
    DemoBusiness(
        name="福州榕城餐饮管理有限公司",
        organisation_code="MA2XDM001",
        legal_representative=ZHANG_WEI,
        address="福建省福州市鼓楼区东街88号",
        established_on=datetime.date(2016, 4, 18),
        admin_email=CITIZENS[0].email,
        agent_email=CITIZENS[1].email,
    ),
    DemoBusiness(
        name="福建闽江建设工程有限公司",
        organisation_code="MA2XDM002",
        legal_representative=WANG_FANG,
        address="福建省福州市仓山区闽江大道168号",
        established_on=datetime.date(2009, 10, 9),
        admin_email=CITIZENS[2].email,
        agent_email=CITIZENS[0].email,
    ),
    # In the registry only: its representative (陈静) can sign up and register it.
    DemoBusiness(
        name="福州闽都文化传媒有限公司",
        organisation_code="MA2XDM003",
        legal_representative=CHEN_JING,
        address="福建省福州市鼓楼区三坊七巷南后街6号",
        established_on=datetime.date(2021, 6, 1),
    ),
)

# What the demo supervisor may see in the admin until supervision gets its own pages: read-only.
SUPERVISOR_VIEW_PERMISSIONS: tuple[str, ...] = (
    "audit.view_auditevent",
    "accounts.view_department",
    "accounts.view_officialposition",
    "accounts.view_business",
    # The supervisors' admin (supervision): applications and their timelines, cards, ratings.
    "approvals.view_application",
    "approvals.view_supervisioncard",
    "approvals.view_servicerating",
    "approvals.view_rectificationtask",
    "audit.view_auditcheckpoint",
)
