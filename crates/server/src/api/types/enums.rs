//! The domain's enumerations as GraphQL enums, and the orderings lists accept.

use async_graphql::Enum;
use coopgraph_model as model;

/// What an organisation does in a programme or project, as in the IATI standard.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[graphql(remote = "model::Role")]
pub enum Role {
    /// Provides the money: a donor.
    Funding,
    /// Answers for the work to the funder.
    Accountable,
    /// Manages the money on the funder's behalf: a trust fund, a channel, an office.
    Extending,
    /// Carries out the work.
    Implementing,
}

/// What sort of actor an organisation is.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[graphql(remote = "model::OrganisationKind")]
pub enum OrganisationKind {
    /// A national government.
    Government,
    /// A ministry or agency of a government; its `parent` is the government.
    GovernmentAgency,
    /// A trade union or confederation of unions.
    WorkersOrganisation,
    /// An employers' federation.
    EmployersOrganisation,
    /// A research institute.
    ResearchInstitute,
    /// A cooperative or union of cooperatives.
    Cooperative,
    /// A company.
    PrivateSector,
    /// The United Nations, one of its agencies, or one of their offices (with `parent`).
    UnAgency,
    /// A trust fund.
    TrustFund,
    /// A local or regional government (IATI organisation type 11).
    LocalGovernment,
    /// A public body other than a government (IATI organisation type 15).
    PublicSector,
    /// A non-governmental organisation (IATI organisation types 21 to 24).
    Ngo,
    /// A public-private partnership (IATI organisation type 30).
    PublicPrivatePartnership,
    /// A multilateral organisation not said to be a United Nations agency (IATI
    /// organisation type 40).
    Multilateral,
    /// A foundation (IATI organisation type 60).
    Foundation,
    /// Anything else.
    Other,
}

/// How a programme is funded.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[graphql(remote = "model::FundingModality")]
pub enum FundingModality {
    /// Assessed contributions of member states.
    Assessed,
    /// Unearmarked voluntary contributions.
    VoluntaryCore,
    /// A donor's voluntary funds earmarked for work the donor and agency agree on.
    MultiBilateral,
    /// Money pooled in a trust fund.
    TrustFund,
    /// Emergency grant aid.
    EmergencyGrant,
    /// A donation made directly by a non-state partner.
    DirectDonation,
}

/// What sort of flow of money a contribution is.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[graphql(remote = "model::ContributionKind")]
pub enum ContributionKind {
    /// A member state's assessed contribution.
    Assessed,
    /// A voluntary contribution.
    Voluntary,
    /// Support outside the regular budget.
    ExtraBudgetary,
    /// A donation.
    Donation,
    /// A grant.
    Grant,
    /// A promise of money, not yet a transfer.
    Pledge,
    /// Money an activity receives (IATI transaction type 1).
    IncomingFunds,
    /// A firm obligation to pay, made by the activity (IATI transaction type 2).
    OutgoingCommitment,
    /// Money paid out to another organisation (IATI transaction type 3).
    Disbursement,
    /// Money spent directly on goods and services (IATI transaction type 4).
    Expenditure,
    /// Interest paid on a loan (IATI transaction type 5).
    InterestPayment,
    /// The repayment of a loan's principal (IATI transaction type 6).
    LoanRepayment,
    /// A payment covering costs already incurred (IATI transaction type 7).
    Reimbursement,
    /// A purchase of equity (IATI transaction type 8).
    PurchaseOfEquity,
    /// A sale of equity (IATI transaction type 9).
    SaleOfEquity,
    /// A guarantee of credit (IATI transaction type 10).
    CreditGuarantee,
    /// A firm obligation to pay, made to the activity (IATI transaction type 11).
    IncomingCommitment,
    /// A promise of money made to the activity (IATI transaction type 13).
    IncomingPledge,
    /// A promise of money made by the activity (IATI transaction type 12).
    OutgoingPledge,
}

/// Whether a budget is the first one agreed or a later revision, as in IATI.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[graphql(remote = "model::BudgetKind")]
pub enum BudgetKind {
    /// The budget as first agreed.
    Original,
    /// A revision of the original budget.
    Revised,
}

/// How firm a budget is, as in IATI.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[graphql(remote = "model::BudgetStatus")]
pub enum BudgetStatus {
    /// An estimate, not yet agreed.
    Indicative,
    /// Agreed and committed.
    Committed,
}

/// Where a project stands in its life, as in the IATI ActivityStatus codelist.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[graphql(remote = "model::ActivityStatus")]
pub enum ActivityStatus {
    /// Being scoped or planned.
    Pipeline,
    /// Under way.
    Implementation,
    /// Work done; final payments and reports still to come.
    Finalisation,
    /// Finished.
    Closed,
    /// Stopped before it was finished.
    Cancelled,
    /// Paused.
    Suspended,
}

/// Which way a list is sorted.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
#[graphql(remote = "coopgraph_data::query::Direction")]
pub enum OrderDirection {
    /// Smallest first: A to Z, oldest first.
    #[default]
    Asc,
    /// Largest first: Z to A, newest first.
    Desc,
}

/// What organisations and programmes can be sorted by.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
#[graphql(remote = "coopgraph_data::NameSort")]
pub enum NameOrderField {
    /// The name, ignoring case and diacritics.
    #[default]
    Name,
    /// The slug.
    Slug,
}

/// What projects can be sorted by.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
#[graphql(remote = "coopgraph_data::ProjectSort")]
pub enum ProjectOrderField {
    /// The title, ignoring case and diacritics.
    #[default]
    Title,
    /// The slug.
    Slug,
    /// When the project starts; projects with no known start come last.
    Start,
}

/// What contributions can be sorted by.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
#[graphql(remote = "coopgraph_data::query::ContributionSort")]
pub enum ContributionOrderField {
    /// When the contribution was made (its date, or its period's start); those
    /// with no known date come last.
    #[default]
    Date,
    /// The slug.
    Slug,
}
