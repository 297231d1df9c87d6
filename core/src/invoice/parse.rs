//! Value normalisation for invoice fields: dates (`2020年10月10日` → 2020-10-10), exact decimal
//! amounts (`¥1,234.50`, `-12.00`, `￥ 318.00`), tax rates (`6%`, `0.060000`, `免税`), digit codes.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Parses the date forms seen on invoices: `2020年10月10日`, `2020-10-10`, `2020/10/10`,
/// `20201010`, and date-times (`2023-02-23 10:08:05`, `2023-11-13T20:05:10`) whose date part is taken.
pub fn date(s: &str) -> Option<NaiveDate> {
    let t: String = s.trim().chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return None;
    }
    // 2020年10月10日 (also with single-digit month/day)
    if let Some((y, rest)) = t.split_once('年') {
        let (m, rest) = rest.split_once('月')?;
        let d = rest.trim_end_matches('日');
        let d: String = d.chars().take_while(|c| c.is_ascii_digit()).collect();
        return NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    }
    // Date-times: keep the date part (before a space or `T`).
    let first = s.trim().split([' ', 'T']).next().unwrap_or("");
    let head: String = first
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '/' || *c == '.')
        .collect();
    if head.len() == 8 && head.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(&head, "%Y%m%d").ok();
    }
    let parts: Vec<&str> = head.split(['-', '/', '.']).collect();
    if parts.len() >= 3 {
        return NaiveDate::from_ymd_opt(
            parts[0].parse().ok()?,
            parts[1].parse().ok()?,
            parts[2].parse().ok()?,
        );
    }
    None
}

/// Parses an amount exactly: strips currency signs (`¥`, `￥`), thousands separators, spaces and
/// full-width minus; keeps the sign. Returns `None` for empty or non-numeric text.
pub fn amount(s: &str) -> Option<Decimal> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '¥' | '￥' | ',' | '，' | ' ' | '\u{3000}' | '\t' | '\n' | '\r'
            )
        })
        .map(|c| match c {
            '－' | '−' => '-',
            '．' => '.',
            c => c,
        })
        .collect();
    let t = t.strip_prefix("CNY").unwrap_or(&t);
    let t = t.strip_suffix('元').unwrap_or(t);
    if t.is_empty() || !t.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    // Accept only [-+]digits[.digits]
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    if !body.bytes().all(|b| b.is_ascii_digit() || b == b'.') || body.matches('.').count() > 1 {
        return None;
    }
    Decimal::from_str(t).ok().map(|d| d.normalize_keep_cents())
}

/// Parses a tax amount: like [`amount`], and `***` (printed for 免税 / 不征税 lines and totals)
/// is zero tax.
pub fn tax_amount(s: &str) -> Option<Decimal> {
    let t = s.trim();
    if !t.is_empty() && t.chars().all(|c| c == '*' || c == '＊') {
        return Some(Decimal::new(0, 2));
    }
    amount(t)
}

/// Helper trait: keep at least two decimal places when normalising amounts, so `318` and `318.00`
/// compare and print alike, without losing extra precision (`510.679612`).
pub trait KeepCents {
    /// Removes trailing zeros beyond the second decimal place.
    fn normalize_keep_cents(self) -> Decimal;
}

impl KeepCents for Decimal {
    fn normalize_keep_cents(self) -> Decimal {
        let mut n = self.normalize();
        if n.scale() < 2 {
            n.rescale(2);
        }
        n
    }
}

/// Parses a tax rate: `6%` → 0.06, `0.060000` → 0.06, `13` (percent without the sign, when > 1)
/// → 0.13. `免税`, `不征税`, `***` and empty give `None`.
pub fn tax_rate(s: &str) -> Option<Decimal> {
    let t = s.trim();
    if let Some(p) = t.strip_suffix('%').or_else(|| t.strip_suffix('％')) {
        let v = Decimal::from_str(p.trim()).ok()?;
        return Some((v / Decimal::from(100)).normalize());
    }
    let v = Decimal::from_str(t).ok()?;
    if v > Decimal::ONE {
        Some((v / Decimal::from(100)).normalize())
    } else {
        Some(v.normalize())
    }
}

/// Keeps only ASCII digits (check codes printed in groups: `14754 82292 98567 72523`).
pub fn digits(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// Trims and returns `None` for empty text.
pub fn text(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Text with all whitespace removed (for comparing structured values with page text).
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Rounds to cents (banker's rounding is not used: invoices round half away from zero).
pub fn cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2020, 10, 10).unwrap();
        assert_eq!(date("2020年10月10日"), Some(d));
        assert_eq!(date(" 2020 年 10 月 10 日 "), Some(d));
        assert_eq!(date("2020-10-10"), Some(d));
        assert_eq!(date("2020/10/10"), Some(d));
        assert_eq!(date("20201010"), Some(d));
        assert_eq!(date("2020-10-10 15:11:19"), Some(d));
        assert_eq!(date("2020-10-10T15:11:19"), Some(d));
        assert_eq!(date("2020年7月3日"), NaiveDate::from_ymd_opt(2020, 7, 3));
        assert_eq!(date("2020年13月10日"), None);
        assert_eq!(date("abc"), None);
        assert_eq!(date(""), None);
    }

    #[test]
    fn amounts() {
        assert_eq!(amount("¥318.00").unwrap().to_string(), "318.00");
        assert_eq!(amount("￥ 1,234.5").unwrap().to_string(), "1234.50");
        assert_eq!(amount("-2650.00").unwrap().to_string(), "-2650.00");
        assert_eq!(amount("－12.30").unwrap().to_string(), "-12.30");
        assert_eq!(amount("500").unwrap().to_string(), "500.00");
        assert_eq!(amount("510.679612").unwrap().to_string(), "510.679612");
        assert_eq!(amount("0.120000").unwrap().to_string(), "0.12");
        assert_eq!(amount("壹万圆整"), None);
        assert_eq!(amount("1.2.3"), None);
        assert_eq!(amount(""), None);
        assert_eq!(amount("¥"), None);
        assert_eq!(tax_amount("***").unwrap().to_string(), "0.00");
        assert_eq!(tax_amount("1.50").unwrap().to_string(), "1.50");
    }

    #[test]
    fn rates() {
        assert_eq!(tax_rate("6%").unwrap().to_string(), "0.06");
        assert_eq!(tax_rate("0.060000").unwrap().to_string(), "0.06");
        assert_eq!(tax_rate("13").unwrap().to_string(), "0.13");
        assert_eq!(tax_rate("免税"), None);
        assert_eq!(tax_rate("***"), None);
    }
}
