//! 统一社会信用代码 check digit (GB 32100-2015): 18 characters from the 31-character set
//! `0-9 A-H J-N P-R T U W-Y` (no I, O, S, V, Z); the 18th is `31 − (Σ cᵢ·wᵢ mod 31)` with weights
//! wᵢ = 3^(i−1) mod 31, where 31 maps to `0`.

/// The code's character set, in value order.
pub const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17.
pub const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The outcome of checking a tax id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditCodeCheck {
    /// An 18-character credit code whose check digit is right.
    Valid,
    /// An 18-character id that is not a valid credit code (reason).
    Invalid(String),
    /// Not a credit code: a legacy 15- or 20-character 纳税人识别号 (no check digit to verify).
    LegacyTaxId,
    /// Not a credit code and not a legacy tax id length.
    BadLength(usize),
}

fn value(c: char) -> Option<u32> {
    CHARSET.find(c).map(|i| i as u32)
}

/// The check character for the first 17 characters, if they are all in the set.
pub fn check_char(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut n = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value(c)? * w;
        n += 1;
    }
    if n != 17 || first17.chars().count() != 17 {
        return None;
    }
    let r = (31 - sum % 31) % 31;
    CHARSET.chars().nth(r as usize)
}

/// Checks a tax id (uppercase ASCII expected; whitespace is ignored).
pub fn check(tax_id: &str) -> CreditCodeCheck {
    let s: String = tax_id
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let n = s.chars().count();
    match n {
        18 => {}
        15 | 20 => return CreditCodeCheck::LegacyTaxId,
        other => return CreditCodeCheck::BadLength(other),
    }
    if let Some(bad) = s.chars().find(|c| value(*c).is_none()) {
        return CreditCodeCheck::Invalid(format!(
            "character `{bad}` is not allowed in a 统一社会信用代码 (I, O, S, V, Z are never used)"
        ));
    }
    let head: String = s.chars().take(17).collect();
    let last = s.chars().last().unwrap_or('?');
    match check_char(&head) {
        Some(c) if c == last => CreditCodeCheck::Valid,
        Some(c) => {
            CreditCodeCheck::Invalid(format!("check character is `{last}`, GB 32100 gives `{c}`"))
        }
        None => CreditCodeCheck::Invalid("not computable".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_powers_of_three() {
        let mut w = 1u32;
        for x in WEIGHTS {
            assert_eq!(x, w);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn real_codes() {
        // Ids printed on the corpus invoices.
        assert_eq!(check("91460300MAA92DJN95"), CreditCodeCheck::Valid);
        assert_eq!(check("91310110MA1G8YNR76"), CreditCodeCheck::Valid);
        // The tax bureau's test invoice (sign__v4signed.ofd) carries a made-up seller id.
        assert_eq!(
            check("91500106MA2CE71F65"),
            CreditCodeCheck::Invalid("check character is `5`, GB 32100 gives `6`".into())
        );
        assert_eq!(check("91320115MA202UKD7X"), CreditCodeCheck::Valid);
        assert_eq!(check("92330781MA2EDMFU50"), CreditCodeCheck::Valid);
        assert_eq!(check("91110108339805094M"), CreditCodeCheck::Valid);
        // Corrected check character, then a wrong one.
        assert_eq!(check("91500106MA2CE71F66"), CreditCodeCheck::Valid);
        assert!(matches!(
            check("91500106MA2CE71F67"),
            CreditCodeCheck::Invalid(_)
        ));
        // Test data with a forbidden letter.
        assert!(
            matches!(check("9150010807MGZHI002"), CreditCodeCheck::Invalid(m) if m.contains('I'))
        );
        assert_eq!(check("110101202001201"), CreditCodeCheck::LegacyTaxId);
        assert_eq!(check("91110101202001201"), CreditCodeCheck::BadLength(17));
    }
}
