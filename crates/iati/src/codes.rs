//! IATI codes and what they map to: roles, organisation types, transaction types,
//! activity statuses, date types, budget types, and the names of sectors from the
//! IATI codelists kept in `codelists/` (IATI Standard, CC BY 4.0). Codes of
//! versions before 2.01 (words and letters) are read too.

use std::collections::HashMap;
use std::sync::OnceLock;

use coopgraph_model::{
    ActivityStatus, BudgetKind, BudgetStatus, ContributionKind, OrganisationKind, Role,
};
use quick_xml::Reader;
use quick_xml::events::Event;

/// An organisation role: 1–4, or its name as versions before 2.01 wrote it.
pub(crate) fn role(code: &str) -> Option<Role> {
    Some(match code.to_ascii_lowercase().as_str() {
        "1" | "funding" => Role::Funding,
        "2" | "accountable" => Role::Accountable,
        "3" | "extending" => Role::Extending,
        "4" | "implementing" => Role::Implementing,
        _ => return None,
    })
}

/// The IATI role code of a role.
pub(crate) fn role_code(role: Role) -> &'static str {
    match role {
        Role::Funding => "1",
        Role::Accountable => "2",
        Role::Extending => "3",
        Role::Implementing => "4",
    }
}

/// An organisation kind from the OrganisationType codelist.
pub(crate) fn organisation_kind(code: &str) -> Option<OrganisationKind> {
    use OrganisationKind::*;
    Some(match code {
        "10" => Government,
        "11" => LocalGovernment,
        "15" => PublicSector,
        "21" | "22" | "23" | "24" => Ngo,
        "30" => PublicPrivatePartnership,
        "40" => Multilateral,
        "60" => Foundation,
        "70" | "71" | "72" | "73" => PrivateSector,
        "80" => ResearchInstitute,
        "90" => Other,
        _ => return None,
    })
}

/// The OrganisationType code closest to a kind.
pub(crate) fn organisation_type(kind: OrganisationKind) -> &'static str {
    use OrganisationKind::*;
    match kind {
        Government => "10",
        LocalGovernment => "11",
        GovernmentAgency | PublicSector => "15",
        Ngo | WorkersOrganisation | EmployersOrganisation | Cooperative => "22",
        PublicPrivatePartnership => "30",
        Multilateral | UnAgency | TrustFund => "40",
        Foundation => "60",
        PrivateSector => "70",
        ResearchInstitute => "80",
        Other => "90",
    }
}

/// A contribution kind from a TransactionType code, or the letters versions
/// before 2.01 used.
pub(crate) fn transaction_kind(code: &str) -> Option<ContributionKind> {
    use ContributionKind::*;
    Some(match code.to_ascii_uppercase().as_str() {
        "1" | "IF" => IncomingFunds,
        "2" | "C" => OutgoingCommitment,
        "3" | "D" => Disbursement,
        "4" | "E" => Expenditure,
        "5" | "IR" => InterestPayment,
        "6" | "LR" => LoanRepayment,
        "7" | "R" => Reimbursement,
        "8" | "QP" => PurchaseOfEquity,
        "9" | "QS" => SaleOfEquity,
        "10" | "CG" => CreditGuarantee,
        "11" => IncomingCommitment,
        "12" => OutgoingPledge,
        "13" => IncomingPledge,
        _ => return None,
    })
}

/// The TransactionType code of a contribution kind; the kinds of hand-curated
/// records are written as the transaction closest to them.
pub(crate) fn transaction_type(kind: ContributionKind) -> &'static str {
    use ContributionKind::*;
    match kind {
        IncomingFunds => "1",
        OutgoingCommitment => "2",
        Disbursement | Assessed | Voluntary | ExtraBudgetary | Donation | Grant => "3",
        Expenditure => "4",
        InterestPayment => "5",
        LoanRepayment => "6",
        Reimbursement => "7",
        PurchaseOfEquity => "8",
        SaleOfEquity => "9",
        CreditGuarantee => "10",
        IncomingCommitment => "11",
        OutgoingPledge | Pledge => "12",
        IncomingPledge => "13",
    }
}

/// Whether money of this kind leaves the reporting activity, so that its payer is
/// the reporting organisation when no provider is named.
pub(crate) fn is_outgoing(kind: ContributionKind) -> bool {
    use ContributionKind::*;
    matches!(
        kind,
        OutgoingCommitment
            | Disbursement
            | Expenditure
            | Reimbursement
            | PurchaseOfEquity
            | CreditGuarantee
            | OutgoingPledge
    )
}

/// An activity status, 1–6.
pub(crate) fn activity_status(code: &str) -> Option<ActivityStatus> {
    use ActivityStatus::*;
    Some(match code {
        "1" => Pipeline,
        "2" => Implementation,
        "3" => Finalisation,
        "4" => Closed,
        "5" => Cancelled,
        "6" => Suspended,
        _ => return None,
    })
}

/// The ActivityStatus code of a status.
pub(crate) fn activity_status_code(status: ActivityStatus) -> &'static str {
    use ActivityStatus::*;
    match status {
        Pipeline => "1",
        Implementation => "2",
        Finalisation => "3",
        Closed => "4",
        Cancelled => "5",
        Suspended => "6",
    }
}

/// Which end of the activity a date gives, and whether it is the actual date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateType {
    PlannedStart,
    ActualStart,
    PlannedEnd,
    ActualEnd,
}

/// An ActivityDateType code, or the words versions before 2.01 used.
pub(crate) fn date_type(code: &str) -> Option<DateType> {
    Some(match code {
        "1" | "start-planned" => DateType::PlannedStart,
        "2" | "start-actual" => DateType::ActualStart,
        "3" | "end-planned" => DateType::PlannedEnd,
        "4" | "end-actual" => DateType::ActualEnd,
        _ => return None,
    })
}

/// A BudgetType code.
pub(crate) fn budget_kind(code: &str) -> Option<BudgetKind> {
    match code {
        "1" => Some(BudgetKind::Original),
        "2" => Some(BudgetKind::Revised),
        _ => None,
    }
}

/// A BudgetStatus code.
pub(crate) fn budget_status(code: &str) -> Option<BudgetStatus> {
    match code {
        "1" => Some(BudgetStatus::Indicative),
        "2" => Some(BudgetStatus::Committed),
        _ => None,
    }
}

/// The English name of a sector code: vocabulary 1 (OECD DAC 5-digit sectors)
/// or 2 (their 3-digit categories).
pub(crate) fn sector_name(vocabulary: &str, code: &str) -> Option<&'static str> {
    static SECTORS: OnceLock<HashMap<String, String>> = OnceLock::new();
    static CATEGORIES: OnceLock<HashMap<String, String>> = OnceLock::new();
    let list = match vocabulary {
        "1" => SECTORS.get_or_init(|| codelist(include_str!("../codelists/Sector.xml"))),
        "2" => CATEGORIES.get_or_init(|| codelist(include_str!("../codelists/SectorCategory.xml"))),
        _ => return None,
    };
    list.get(code).map(String::as_str)
}

/// Reads a codelist file into code → English name.
fn codelist(xml: &str) -> HashMap<String, String> {
    let mut reader = Reader::from_str(xml);
    let mut out = HashMap::new();
    let mut path: Vec<Vec<u8>> = Vec::new();
    let (mut code, mut name) = (String::new(), None::<String>);
    let mut english = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                english = e.name().as_ref() == b"narrative"
                    && !e
                        .attributes()
                        .flatten()
                        .any(|a| a.key.as_ref() == b"xml:lang");
                path.push(e.name().as_ref().to_vec());
            }
            Ok(Event::Text(t)) => {
                let text = t.xml10_content().unwrap_or_default().trim().to_owned();
                let at = |i: usize, n: &[u8]| path.len() >= i && path[path.len() - i] == n;
                if at(1, b"code") && at(2, b"codelist-item") {
                    code = text;
                } else if english && at(2, b"name") && at(3, b"codelist-item") && name.is_none() {
                    name = Some(text);
                }
            }
            Ok(Event::End(e)) => {
                path.pop();
                if e.name().as_ref() == b"codelist-item" {
                    if let Some(n) = name.take() {
                        out.insert(std::mem::take(&mut code), n);
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sector_names_come_from_the_codelists() {
        assert_eq!(
            sector_name("1", "11110"),
            Some("Education policy and administrative management")
        );
        assert_eq!(
            sector_name("2", "111"),
            Some("Education, Level Unspecified")
        );
        assert_eq!(sector_name("1", "99999999"), None);
        assert_eq!(sector_name("99", "11110"), None);
    }

    #[test]
    fn old_codes_read_as_new_ones() {
        assert_eq!(role("Funding"), role("1"));
        assert_eq!(transaction_kind("D"), transaction_kind("3"));
        assert_eq!(date_type("start-actual"), date_type("2"));
        for kind in ContributionKind::ALL {
            let back = transaction_kind(transaction_type(*kind)).unwrap();
            assert_eq!(transaction_type(back), transaction_type(*kind));
        }
    }
}
