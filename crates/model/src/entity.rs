//! The records of the domain and the typed ids that link them.
//!
//! Links between records are typed indexes ([`OrganisationId`], …) handed out by the
//! store that holds the records; a record never owns another.

use serde::{Deserialize, Serialize};

use crate::{CountryCode, Money, PartialDate, Period, Share, Slug};

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub struct $name(pub u32);

        impl $name {
            /// The position of the record in its store's list.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

ids! {
    /// Names an [`Organisation`] in a store.
    OrganisationId;
    /// Names a [`Programme`] in a store.
    ProgrammeId;
    /// Names a [`Project`] in a store.
    ProjectId;
    /// Names an [`Activity`] in a store.
    ActivityId;
    /// Names a [`Contribution`] in a store.
    ContributionId;
    /// Names a [`Theme`] in a store.
    ThemeId;
    /// Names a source [`Document`] in a store.
    DocumentId;
}

macro_rules! enumeration {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($(#[$vdoc])* $variant,)* }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &[Self] = &[$(Self::$variant,)*];

            /// The value's name as written in data files and in the API.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text,)* }
            }

            /// Reads a value from its name, as written by [`Self::as_str`].
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

enumeration! {
    /// What an organisation does in a programme or project, as in the IATI standard.
    Role {
        /// Provides the money: a donor.
        Funding = "FUNDING",
        /// Answers for the work to the funder.
        Accountable = "ACCOUNTABLE",
        /// Manages the money on the funder's behalf: a trust fund, a channel, an office.
        Extending = "EXTENDING",
        /// Carries out the work.
        Implementing = "IMPLEMENTING",
    }
}

enumeration! {
    /// What sort of actor an organisation is.
    OrganisationKind {
        /// A national government.
        Government = "GOVERNMENT",
        /// A ministry or agency of a government.
        GovernmentAgency = "GOVERNMENT_AGENCY",
        /// A trade union or confederation of unions.
        WorkersOrganisation = "WORKERS_ORGANISATION",
        /// An employers' federation.
        EmployersOrganisation = "EMPLOYERS_ORGANISATION",
        /// A research institute.
        ResearchInstitute = "RESEARCH_INSTITUTE",
        /// A cooperative or union of cooperatives.
        Cooperative = "COOPERATIVE",
        /// A company.
        PrivateSector = "PRIVATE_SECTOR",
        /// The United Nations, one of its agencies, or one of their offices.
        UnAgency = "UN_AGENCY",
        /// A trust fund.
        TrustFund = "TRUST_FUND",
        /// A local or regional government (IATI organisation type 11).
        LocalGovernment = "LOCAL_GOVERNMENT",
        /// A public body other than a government (IATI organisation type 15).
        PublicSector = "PUBLIC_SECTOR",
        /// A non-governmental organisation (IATI organisation types 21 to 24).
        Ngo = "NGO",
        /// A public-private partnership (IATI organisation type 30).
        PublicPrivatePartnership = "PUBLIC_PRIVATE_PARTNERSHIP",
        /// A multilateral organisation outside the United Nations, or not said to be in it
        /// (IATI organisation type 40).
        Multilateral = "MULTILATERAL",
        /// A foundation (IATI organisation type 60).
        Foundation = "FOUNDATION",
        /// Anything else.
        Other = "OTHER",
    }
}

enumeration! {
    /// How a programme is funded.
    FundingModality {
        /// Assessed contributions of member states.
        Assessed = "ASSESSED",
        /// Unearmarked voluntary contributions.
        VoluntaryCore = "VOLUNTARY_CORE",
        /// A donor's voluntary funds earmarked for work the donor and agency agree on.
        MultiBilateral = "MULTI_BILATERAL",
        /// Money pooled in a trust fund.
        TrustFund = "TRUST_FUND",
        /// Emergency grant aid.
        EmergencyGrant = "EMERGENCY_GRANT",
        /// A donation made directly by a non-state partner.
        DirectDonation = "DIRECT_DONATION",
    }
}

enumeration! {
    /// What sort of flow of money a contribution is.
    ContributionKind {
        /// A member state's assessed contribution.
        Assessed = "ASSESSED",
        /// A voluntary contribution.
        Voluntary = "VOLUNTARY",
        /// Support outside the regular budget.
        ExtraBudgetary = "EXTRA_BUDGETARY",
        /// A donation.
        Donation = "DONATION",
        /// A grant.
        Grant = "GRANT",
        /// A promise of money, not yet a transfer.
        Pledge = "PLEDGE",
        /// Money an activity receives (IATI transaction type 1).
        IncomingFunds = "INCOMING_FUNDS",
        /// A firm obligation to pay, made by the activity (IATI transaction type 2).
        OutgoingCommitment = "OUTGOING_COMMITMENT",
        /// Money paid out to another organisation (IATI transaction type 3).
        Disbursement = "DISBURSEMENT",
        /// Money spent directly on goods and services (IATI transaction type 4).
        Expenditure = "EXPENDITURE",
        /// Interest paid on a loan (IATI transaction type 5).
        InterestPayment = "INTEREST_PAYMENT",
        /// The repayment of a loan's principal (IATI transaction type 6).
        LoanRepayment = "LOAN_REPAYMENT",
        /// A payment covering costs already incurred (IATI transaction type 7).
        Reimbursement = "REIMBURSEMENT",
        /// A purchase of equity (IATI transaction type 8).
        PurchaseOfEquity = "PURCHASE_OF_EQUITY",
        /// A sale of equity (IATI transaction type 9).
        SaleOfEquity = "SALE_OF_EQUITY",
        /// A guarantee of credit (IATI transaction type 10).
        CreditGuarantee = "CREDIT_GUARANTEE",
        /// A firm obligation to pay, made to the activity (IATI transaction type 11).
        IncomingCommitment = "INCOMING_COMMITMENT",
        /// A promise of money made to the activity (IATI transaction type 13).
        IncomingPledge = "INCOMING_PLEDGE",
        /// A promise of money made by the activity (IATI transaction type 12).
        OutgoingPledge = "OUTGOING_PLEDGE",
    }
}

impl ContributionKind {
    /// Whether the contribution promises money rather than moves it: a pledge or a
    /// commitment. Sums of money paid leave promises out unless they are asked for.
    pub fn is_promise(self) -> bool {
        matches!(
            self,
            Self::Pledge
                | Self::OutgoingCommitment
                | Self::IncomingCommitment
                | Self::IncomingPledge
                | Self::OutgoingPledge
        )
    }
}

enumeration! {
    /// Whether a budget is the first one agreed or a later revision, as in IATI.
    BudgetKind {
        /// The budget as first agreed.
        Original = "ORIGINAL",
        /// A revision of the original budget.
        Revised = "REVISED",
    }
}

enumeration! {
    /// How firm a budget is, as in IATI.
    BudgetStatus {
        /// An estimate, not yet agreed.
        Indicative = "INDICATIVE",
        /// Agreed and committed.
        Committed = "COMMITTED",
    }
}

enumeration! {
    /// Where a project stands in its life, as in the IATI ActivityStatus codelist.
    ActivityStatus {
        /// Being scoped or planned.
        Pipeline = "PIPELINE",
        /// Under way.
        Implementation = "IMPLEMENTATION",
        /// Work done; final payments and reports still to come.
        Finalisation = "FINALISATION",
        /// Finished.
        Closed = "CLOSED",
        /// Stopped before it was finished.
        Cancelled = "CANCELLED",
        /// Paused.
        Suspended = "SUSPENDED",
    }
}

/// A budget for one period, as an IATI activity states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    /// The period it covers.
    pub period: Period,
    /// How much; a revised budget may be negative.
    pub amount: Money,
    /// Original or revised.
    pub kind: BudgetKind,
    /// Indicative or committed.
    pub status: BudgetStatus,
    /// The date the amount's currency value is taken at, where given.
    pub value_date: Option<PartialDate>,
}

/// A country a project works in, with the share of the project it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountryShare {
    /// The country.
    pub country: CountryCode,
    /// Its share of the project, where stated.
    pub percentage: Option<Share>,
}

/// A theme of a project, with the share of the project it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeShare {
    /// The theme.
    pub theme: ThemeId,
    /// Its share of the project, where stated.
    pub percentage: Option<Share>,
}

/// What an IATI activity states beyond the fields every project has; `None` on
/// records that do not come from IATI, which state none of it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IatiDetails {
    /// The activity's IATI identifier, such as "XM-DAC-41302-PRJ-1".
    pub identifier: String,
    /// The organisation that published the activity, where the file names one.
    pub reporting: Option<OrganisationId>,
    /// Its budgets, one per period and revision.
    pub budgets: Vec<Budget>,
    /// The countries it works in, with their shares.
    pub country_shares: Vec<CountryShare>,
    /// Its themes (IATI sectors), with their shares.
    pub theme_shares: Vec<ThemeShare>,
    /// Where it stands in its life.
    pub status: Option<ActivityStatus>,
    /// The language of its title and objective, as an ISO 639-1 code.
    pub language: Option<String>,
}

/// Where a record comes from: a document, the section in it and the phrase as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The document.
    pub document: DocumentId,
    /// The section, such as "1.3", if the document numbers them.
    pub section: Option<String>,
    /// The phrase as written, for figures.
    pub quote: Option<String>,
}

/// A source document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Unique among documents.
    pub slug: Slug,
    /// The document's title.
    pub title: String,
}

/// An organisation's role in a programme or project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Participation {
    /// Who takes part.
    pub organisation: OrganisationId,
    /// In which role.
    pub role: Role,
}

/// Any actor: a government, a ministry, a union, an agency, a fund, a company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Unique among organisations.
    pub slug: Slug,
    /// The full name.
    pub name: String,
    /// The short name, such as "MHLW".
    pub acronym: Option<String>,
    /// What sort of actor it is.
    pub kind: OrganisationKind,
    /// Its IATI organisation identifier, such as "XM-DAC-41302".
    pub iati_ref: Option<String>,
    /// The organisation it is part of: a ministry's government, an office's agency.
    pub parent: Option<OrganisationId>,
    /// The country it is based in.
    pub country: Option<CountryCode>,
    /// Names it was known by before.
    pub former_names: Vec<String>,
    /// What the source says of it.
    pub description: Option<String>,
    /// Where the record comes from.
    pub source: Source,
}

/// A named vehicle under which projects run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programme {
    /// Unique among programmes.
    pub slug: Slug,
    /// The full name.
    pub name: String,
    /// The short name, such as "SKILLS-AP".
    pub acronym: Option<String>,
    /// How it is funded, where the source says.
    pub modality: Option<FundingModality>,
    /// When it runs.
    pub period: Period,
    /// What the source says of it.
    pub description: Option<String>,
    /// The programme it runs within, such as IPEC for SCREAM.
    pub parent: Option<ProgrammeId>,
    /// The programme it grew out of, such as APSDEP for SKILLS-AP.
    pub predecessor: Option<ProgrammeId>,
    /// Who funds, administers and implements it.
    pub participants: Vec<Participation>,
    /// What its IATI activity states, when it comes from one.
    pub iati: Option<Box<IatiDetails>>,
    /// Where the record comes from.
    pub source: Source,
}

/// A theme of work, used to group projects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    /// Unique among themes.
    pub slug: Slug,
    /// The theme's name.
    pub name: String,
    /// Its code in `vocabulary`, such as the OECD DAC sector "16020".
    pub code: Option<String>,
    /// The IATI sector vocabulary its code is from, such as "1" for OECD DAC 5-digit
    /// sectors.
    pub vocabulary: Option<String>,
    /// Where the source names the theme in its own words; `None` for an IATI
    /// sector, named by its codelist.
    pub source: Option<Source>,
}

/// A named place within a country, such as a province or a village.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// The place's name as the source writes it.
    pub name: String,
    /// The country it lies in.
    pub country: CountryCode,
}

/// One piece of work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// Unique among projects.
    pub slug: Slug,
    /// The title.
    pub title: String,
    /// The short name, such as "STAGE".
    pub acronym: Option<String>,
    /// What it aims to do.
    pub objective: Option<String>,
    /// The countries it works in.
    pub countries: Vec<CountryCode>,
    /// The places it works in, within those countries.
    pub places: Vec<Place>,
    /// When it runs.
    pub period: Period,
    /// Its budget, where the source gives one.
    pub budget: Option<Money>,
    /// Who funds it, the channels the money passed through, who implements it.
    pub participants: Vec<Participation>,
    /// Its themes.
    pub themes: Vec<ThemeId>,
    /// The programme it belongs to.
    pub programme: Option<ProgrammeId>,
    /// Its activities, in work-plan order.
    pub activities: Vec<ActivityId>,
    /// What its IATI activity states, when it comes from one.
    pub iati: Option<Box<IatiDetails>>,
    /// Where the record comes from.
    pub source: Source,
}

/// A numbered item of a project's work plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// The project it belongs to; with the position, this names the activity.
    pub project: ProjectId,
    /// Its place in the work plan, from 1.
    pub position: u32,
    /// What is done.
    pub description: String,
    /// Where the record comes from, when not from the project's own source
    /// (rare, so boxed: most activities spend 8 bytes on it).
    pub source: Option<Box<Source>>,
}

/// Whatever a contribution is paid to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Recipient {
    /// An organisation.
    Organisation(OrganisationId),
    /// A programme.
    Programme(ProgrammeId),
    /// A project.
    Project(ProjectId),
}

/// One flow of money from an organisation to an organisation, programme or project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    /// Unique among contributions.
    pub slug: Slug,
    /// Who pays.
    pub from: OrganisationId,
    /// Who or what is paid; `None` where the source names no recipient.
    pub to: Option<Recipient>,
    /// What sort of flow it is.
    pub kind: ContributionKind,
    /// How much, where the source says.
    pub amount: Option<Money>,
    /// The same amount in another currency, as the source gives it.
    pub equivalent: Option<Money>,
    /// When, for a single payment.
    pub date: Option<PartialDate>,
    /// The date the amount's currency value is taken at, where it differs from `date`
    /// (IATI `value-date`).
    pub value_date: Option<PartialDate>,
    /// Over which span of time, for a flow that lasts.
    pub period: Period,
    /// The share of a total it represents, where the source gives one.
    pub share: Option<Share>,
    /// The organisation the money passed through on its way.
    pub channel: Option<OrganisationId>,
    /// The larger pledge or grant this payment is part of: sums never count both.
    pub part_of: Option<ContributionId>,
    /// Whether the amount is per year ("US$25 million every year") rather than
    /// paid once: sums keep it apart from one-off amounts.
    pub per_year: bool,
    /// The IATI activity the money came from (`provider-activity-id`), where in
    /// the data.
    pub provider_activity: Option<Recipient>,
    /// The IATI activity the money went to (`receiver-activity-id`), where in the
    /// data.
    pub receiver_activity: Option<Recipient>,
    /// What the money is for, in the source's words.
    pub description: Option<String>,
    /// Where the record comes from.
    pub source: Source,
}

impl Contribution {
    /// Whether the contribution falls in `year`: by its date, or else by its period.
    pub fn is_in_year(&self, year: i32) -> bool {
        match self.date {
            Some(d) => d.year() == year,
            None => self.period.is_active_in(year),
        }
    }

    /// The year the contribution is reported under: its date's, or its period's start.
    pub fn year(&self) -> Option<i32> {
        self.date.or(self.period.start()).map(PartialDate::year)
    }

    /// The date its amount is valued at, for a conversion: the value date, else
    /// its date, else its period's start.
    pub fn value_date(&self) -> Option<PartialDate> {
        self.value_date.or(self.date).or(self.period.start())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
        for k in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(Role::parse("funding"), None);
        assert_eq!(
            ContributionKind::parse("PLEDGE"),
            Some(ContributionKind::Pledge)
        );
        assert_eq!(
            FundingModality::parse("TRUST_FUND"),
            Some(FundingModality::TrustFund)
        );
    }
}
