//! The data every new sandbox starts with.
//!
//! Each sandbox holds an inventory of physical SIM cards. A card is reachable
//! through both APIs: by its SIM ID under `/v1/sims/{sim_id}` and by the IMSI
//! of its primary subscription under `/v1/subscribers/{imsi}` (as in the real
//! API, a subscriber is a SIM's primary subscription, so registering,
//! activating or grouping one is visible through the other).
//!
//! | card | SIM ID | IMSI | registration secret | starts as |
//! |------|--------|------|---------------------|-----------|
//! | [`SIM_1`] | `8981100000000000001` | `440103000100001` | `12345` | unregistered |
//! | [`SIM_2`] | `8981100000000000002` | `440103000100002` | `23456` | unregistered |
//! | [`SIM_3`] | `8981100000000000003` | `440103000100003` | `34567` | unregistered |
//! | [`SUBSCRIBER_1`] | `8981100000000100001` | `440103000000001` | `45678` | unregistered |
//! | [`SUBSCRIBER_2`] | `8981100000000100002` | `440103000000002` | `56789` | unregistered |
//! | [`SUBSCRIBER_3`] | `8981100000000100003` | `440103000000003` | `67890` | unregistered |
//! | [`SIM_ACTIVE`] | `8981100000000900001` | `440103000900001` | `90123` | active, in [`GROUP_SENSORS`] |
//!
//! `SIM_*` cards are meant for tests of the SIM API and `SUBSCRIBER_*` cards
//! for tests of the Subscriber API, so one sandbox can run both kinds of
//! workflow without one registering the other's card first.
//!
//! Groups: [`GROUP_SENSORS`] (`group-sensors`) and [`GROUP_TRACKERS`]
//! (`group-trackers`). Credentials: [`AUTH_KEY_ID`] / [`AUTH_KEY`], or
//! [`OPERATOR_EMAIL`] / [`OPERATOR_PASSWORD`], both for operator
//! [`OPERATOR_ID`].

/// The operator that owns the sandbox: every registered SIM, subscriber and
/// group carries this `operatorId`, and `POST /v1/auth` returns it.
pub const OPERATOR_ID: &str = "OP0012345678";

/// The fixture AuthKey ID accepted by `POST /v1/auth` (`authKeyId`).
pub const AUTH_KEY_ID: &str = "keyId-sandbox-0001";

/// The fixture AuthKey secret accepted by `POST /v1/auth` (`authKey`).
pub const AUTH_KEY: &str = "secret-sandbox-0001";

/// The fixture root-user email accepted by `POST /v1/auth` (`email`).
pub const OPERATOR_EMAIL: &str = "operator@sandbox.example";

/// The fixture root-user password accepted by `POST /v1/auth` (`password`).
pub const OPERATOR_PASSWORD: &str = "password-sandbox-0001";

/// `createdTime` of every seeded SIM, subscriber and group
/// (2023-11-14T22:13:20Z, in milliseconds since the UNIX epoch).
pub const SEED_TIME_MS: i64 = 1_700_000_000_000;

/// The status a seeded card starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedStatus {
    /// In the inventory but not registered to the operator yet.
    Unregistered,
    /// Registered and active.
    Active,
}

/// One seeded physical SIM card and its primary subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeededCard {
    /// The SIM ID (`simId`). As for Soracom plan01s SIMs, it equals the ICCID.
    pub sim_id: &'static str,
    /// The ICCID: key of the SIM's `profiles` map and the subscriber's `iccid`.
    pub iccid: &'static str,
    /// The IMSI of the primary subscription (`profiles.*.primaryImsi`).
    pub imsi: &'static str,
    /// The MSISDN of the primary subscription.
    pub msisdn: &'static str,
    /// The serial number printed on the card (`serialNumber`).
    pub serial_number: &'static str,
    /// The PUK / PASSCODE that `register` requires (`registrationSecret`).
    pub registration_secret: &'static str,
    /// The form factor (`moduleType`), e.g. `nano`.
    pub module_type: &'static str,
    /// The SIM type (`type`), e.g. `uicc`.
    pub sim_type: &'static str,
    /// The speed class (`speedClass`), e.g. `s1.standard`.
    pub speed_class: &'static str,
    /// The subscription plan (`subscription`), e.g. `plan01s`.
    pub subscription: &'static str,
    /// The `name` tag the card starts with.
    pub name: &'static str,
    /// The status the card starts in.
    pub status: SeedStatus,
    /// The group the card starts in, if any.
    pub group_id: Option<&'static str>,
}

/// One seeded group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeededGroup {
    /// The group ID (`groupId`).
    pub group_id: &'static str,
    /// The group's `name` tag.
    pub name: &'static str,
}

/// A group for sensor devices (`groupId` `group-sensors`). Its configuration
/// enables `SoracomAir` metadata.
pub const GROUP_SENSORS: SeededGroup = SeededGroup {
    group_id: "group-sensors",
    name: "Sensors",
};

/// A group for tracker devices (`groupId` `group-trackers`), with an empty
/// configuration.
pub const GROUP_TRACKERS: SeededGroup = SeededGroup {
    group_id: "group-trackers",
    name: "Trackers",
};

/// Every seeded group.
pub const GROUPS: [SeededGroup; 2] = [GROUP_SENSORS, GROUP_TRACKERS];

const fn unregistered(
    sim_id: &'static str,
    imsi: &'static str,
    msisdn: &'static str,
    serial_number: &'static str,
    registration_secret: &'static str,
    name: &'static str,
) -> SeededCard {
    SeededCard {
        sim_id,
        iccid: sim_id,
        imsi,
        msisdn,
        serial_number,
        registration_secret,
        module_type: "nano",
        sim_type: "uicc",
        speed_class: "s1.standard",
        subscription: "plan01s",
        name,
        status: SeedStatus::Unregistered,
        group_id: None,
    }
}

/// First unregistered card for SIM-API tests: SIM ID `8981100000000000001`,
/// registration secret `12345`.
pub const SIM_1: SeededCard = unregistered(
    "8981100000000000001",
    "440103000100001",
    "812000100001",
    "SBX-SN-0000001",
    "12345",
    "sim-1",
);

/// Second unregistered card for SIM-API tests: SIM ID `8981100000000000002`,
/// registration secret `23456`.
pub const SIM_2: SeededCard = unregistered(
    "8981100000000000002",
    "440103000100002",
    "812000100002",
    "SBX-SN-0000002",
    "23456",
    "sim-2",
);

/// Third unregistered card for SIM-API tests: SIM ID `8981100000000000003`,
/// registration secret `34567`. An embedded eSIM (`moduleType` `embedded`,
/// `type` `euicc`) with speed class `s1.fast`.
pub const SIM_3: SeededCard = SeededCard {
    module_type: "embedded",
    sim_type: "euicc",
    speed_class: "s1.fast",
    ..unregistered(
        "8981100000000000003",
        "440103000100003",
        "812000100003",
        "SBX-SN-0000003",
        "34567",
        "sim-3",
    )
};

/// First unregistered card for Subscriber-API tests: IMSI `440103000000001`,
/// registration secret `45678`.
pub const SUBSCRIBER_1: SeededCard = unregistered(
    "8981100000000100001",
    "440103000000001",
    "812000000001",
    "SBX-SN-0100001",
    "45678",
    "subscriber-1",
);

/// Second unregistered card for Subscriber-API tests: IMSI `440103000000002`,
/// registration secret `56789`.
pub const SUBSCRIBER_2: SeededCard = unregistered(
    "8981100000000100002",
    "440103000000002",
    "812000000002",
    "SBX-SN-0100002",
    "56789",
    "subscriber-2",
);

/// Third unregistered card for Subscriber-API tests: IMSI `440103000000003`,
/// registration secret `67890`.
pub const SUBSCRIBER_3: SeededCard = unregistered(
    "8981100000000100003",
    "440103000000003",
    "812000000003",
    "SBX-SN-0100003",
    "67890",
    "subscriber-3",
);

/// A card that is already registered, active and in [`GROUP_SENSORS`]:
/// SIM ID `8981100000000900001`, IMSI `440103000900001`. Useful for reads and
/// for "already registered" errors.
pub const SIM_ACTIVE: SeededCard = SeededCard {
    status: SeedStatus::Active,
    group_id: Some(GROUP_SENSORS.group_id),
    ..unregistered(
        "8981100000000900001",
        "440103000900001",
        "812000900001",
        "SBX-SN-0900001",
        "90123",
        "active-sim",
    )
};

/// Every seeded card, in SIM-ID order of the table above.
pub const CARDS: [SeededCard; 7] = [
    SIM_1,
    SIM_2,
    SIM_3,
    SUBSCRIBER_1,
    SUBSCRIBER_2,
    SUBSCRIBER_3,
    SIM_ACTIVE,
];

/// How many cards [`fleet`] can give.
pub const FLEET_MAX: usize = 10_000;

/// The first `count` (at most [`FLEET_MAX`]) fleet cards, which a sandbox started with
/// [`Sandbox::fleet`](crate::Sandbox::fleet) holds besides the seeded ones: card `i` (from 0) is
/// unregistered, with SIM ID `89812` followed by `i` in 14 digits, IMSI `44010400` followed by
/// `i` in 7 digits, registration secret `i` in 5 digits (modulo 100,000) and name `fleet-<i>`.
pub fn fleet(count: usize) -> &'static [SeededCard] {
    // Built once per process, as static as the seeded cards.
    static FLEET: std::sync::OnceLock<Vec<SeededCard>> = std::sync::OnceLock::new();
    let all = FLEET.get_or_init(|| (0..FLEET_MAX).map(fleet_card).collect());
    all.get(..count.min(FLEET_MAX)).unwrap_or_default()
}

fn fleet_card(i: usize) -> SeededCard {
    let text = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    unregistered(
        text(format!("89812{i:014}")),
        text(format!("44010400{i:07}")),
        text(format!("8130{i:08}")),
        text(format!("SBX-FL-{i:07}")),
        text(format!("{:05}", i % 100_000)),
        text(format!("fleet-{i}")),
    )
}
