//! Data types of element values: date/datetime patterns (`YYYYMMDD`, `YYYY-MM-DD`,
//! `YYYY年MM月DD日`, `YYYY-MM-DDThh:mm:ss` …) and the syntax check of every [`DataType`].

use super::model::{DataType, ElementDef};
use base64::Engine as _;
use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Date patterns accepted when neither the element nor the schema names any.
pub const DEFAULT_DATE_FORMATS: &[&str] = &["YYYYMMDD", "YYYY-MM-DD", "YYYY年MM月DD日"];
/// Datetime patterns accepted when neither the element nor the schema names any.
pub const DEFAULT_DATETIME_FORMATS: &[&str] = &[
    "YYYY-MM-DDThh:mm:ss",
    "YYYY-MM-DD hh:mm:ss",
    "YYYYMMDDhhmmss",
    "YYYYMMDDThhmmss",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Year,
    Month2,
    Month,
    Day2,
    Day,
    Hour,
    Minute,
    Second,
    Lit(char),
}

/// A date or datetime pattern made of `YYYY`, `MM`/`M`, `DD`/`D`, `hh`, `mm`, `ss` and literal
/// characters. `M`/`D` accept one or two digits; the others exactly as many digits as letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatePattern {
    source: String,
    toks: Vec<Tok>,
}

/// A parsed date (and time, for datetime patterns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateValue {
    /// The calendar date.
    pub date: NaiveDate,
    /// The time of day, when the pattern has one.
    pub time: Option<NaiveTime>,
}

impl DatePattern {
    /// Parses a pattern; it must contain `YYYY`, a month and a day.
    pub fn parse(source: &str) -> Result<DatePattern, String> {
        let chars: Vec<char> = source.chars().collect();
        let mut toks = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let rest: String = chars[i..].iter().take(4).collect();
            let (tok, n) = if rest.starts_with("YYYY") {
                (Tok::Year, 4)
            } else if rest.starts_with("MM") {
                (Tok::Month2, 2)
            } else if rest.starts_with("DD") {
                (Tok::Day2, 2)
            } else if rest.starts_with("hh") {
                (Tok::Hour, 2)
            } else if rest.starts_with("mm") {
                (Tok::Minute, 2)
            } else if rest.starts_with("ss") {
                (Tok::Second, 2)
            } else if rest.starts_with('M') {
                (Tok::Month, 1)
            } else if rest.starts_with('D') {
                (Tok::Day, 1)
            } else if rest.starts_with('Y') {
                return Err(format!(
                    "date pattern `{source}`: the year must be written YYYY"
                ));
            } else {
                (Tok::Lit(chars[i]), 1)
            };
            toks.push(tok);
            i += n;
        }
        let has = |f: &dyn Fn(&Tok) -> bool| toks.iter().filter(|t| f(t)).count();
        if has(&|t| *t == Tok::Year) != 1
            || has(&|t| matches!(t, Tok::Month | Tok::Month2)) != 1
            || has(&|t| matches!(t, Tok::Day | Tok::Day2)) != 1
        {
            return Err(format!(
                "date pattern `{source}` must contain YYYY, MM (or M) and DD (or D) exactly once"
            ));
        }
        let times = has(&|t| matches!(t, Tok::Hour | Tok::Minute | Tok::Second));
        if times > 0
            && (has(&|t| *t == Tok::Hour) != 1
                || has(&|t| *t == Tok::Minute) != 1
                || has(&|t| *t == Tok::Second) > 1)
        {
            return Err(format!(
                "date pattern `{source}`: a time needs hh and mm (and at most one ss)"
            ));
        }
        Ok(DatePattern {
            source: source.to_string(),
            toks,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the pattern includes a time of day.
    pub fn has_time(&self) -> bool {
        self.toks.contains(&Tok::Hour)
    }

    /// Parses `value` with this pattern; `None` if it does not match or is not a real date/time.
    pub fn parse_value(&self, value: &str) -> Option<DateValue> {
        let v: Vec<char> = value.chars().collect();
        let mut i = 0;
        let (mut y, mut mo, mut d, mut h, mut mi, mut s) = (0i32, 0u32, 0u32, None, 0u32, 0u32);
        let digits = |i: &mut usize, min: usize, max: usize| -> Option<u32> {
            let start = *i;
            while *i < v.len() && *i - start < max && v[*i].is_ascii_digit() {
                *i += 1;
            }
            if *i - start < min {
                return None;
            }
            v[start..*i].iter().collect::<String>().parse().ok()
        };
        for t in &self.toks {
            match t {
                Tok::Year => y = digits(&mut i, 4, 4)? as i32,
                Tok::Month2 => mo = digits(&mut i, 2, 2)?,
                Tok::Month => mo = digits(&mut i, 1, 2)?,
                Tok::Day2 => d = digits(&mut i, 2, 2)?,
                Tok::Day => d = digits(&mut i, 1, 2)?,
                Tok::Hour => h = Some(digits(&mut i, 2, 2)?),
                Tok::Minute => mi = digits(&mut i, 2, 2)?,
                Tok::Second => s = digits(&mut i, 2, 2)?,
                Tok::Lit(c) => {
                    if v.get(i) != Some(c) {
                        return None;
                    }
                    i += 1;
                }
            }
        }
        if i != v.len() {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(y, mo, d)?;
        let time = match h {
            Some(h) => Some(NaiveTime::from_hms_opt(h, mi, s)?),
            None => None,
        };
        Some(DateValue { date, time })
    }
}

/// Strips an ISO 8601 time zone (`Z`, `+08:00`, `+0800`) and fractional seconds from a datetime.
fn strip_zone_and_fraction(value: &str) -> &str {
    let mut v = value.strip_suffix('Z').unwrap_or(value);
    let b = v.as_bytes();
    let n = b.len();
    if n > 6 && (b[n - 6] == b'+' || b[n - 6] == b'-') && b[n - 3] == b':' {
        v = &v[..n - 6];
    } else if n > 5
        && (b[n - 5] == b'+' || b[n - 5] == b'-')
        && b[n - 4..].iter().all(u8::is_ascii_digit)
        && v[..n - 5].contains(':')
    {
        v = &v[..n - 5];
    }
    if let Some(dot) = v.rfind('.') {
        let frac = &v[dot + 1..];
        if !frac.is_empty() && frac.bytes().all(|c| c.is_ascii_digit()) && v[..dot].contains(':') {
            v = &v[..dot];
        }
    }
    v
}

/// Parses a date or datetime value with the patterns given (datetime values may carry a zone).
pub fn parse_date(value: &str, patterns: &[DatePattern]) -> Option<DateValue> {
    let stripped = strip_zone_and_fraction(value);
    patterns.iter().find_map(|p| {
        p.parse_value(value)
            .or_else(|| p.has_time().then(|| p.parse_value(stripped)).flatten())
    })
}

/// Why a value does not have its element's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeMismatch {
    /// `metadata.type` or `metadata.date_format`.
    pub rule: &'static str,
    /// What was expected (e.g. `positiveInteger`, `date: YYYYMMDD | YYYY-MM-DD`).
    pub expected: String,
}

/// The year of a gYear value (`2024`, also `2024年`).
pub fn parse_year(value: &str) -> Option<i32> {
    let v = value.strip_suffix('年').unwrap_or(value);
    (v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()))
        .then(|| v.parse().ok())
        .flatten()
}

fn is_integer(v: &str) -> bool {
    let d = v.strip_prefix(['-', '+']).unwrap_or(v);
    !d.is_empty() && d.len() <= 19 && d.bytes().all(|b| b.is_ascii_digit())
}

/// Checks the syntax of `value` against the element's data type; `patterns` are the date or
/// datetime patterns in effect for the element.
pub fn check_type(
    def: &ElementDef,
    value: &str,
    patterns: &[DatePattern],
) -> Result<(), TypeMismatch> {
    let mismatch = |expected: String| {
        Err(TypeMismatch {
            rule: "metadata.type",
            expected,
        })
    };
    match def.data_type {
        DataType::String | DataType::Enumeration => Ok(()),
        DataType::Integer => {
            if is_integer(value) {
                Ok(())
            } else {
                mismatch("integer".into())
            }
        }
        DataType::PositiveInteger => match value.parse::<u64>() {
            Ok(n) if n >= 1 && value.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
            _ => mismatch("positiveInteger (1, 2, 3 …)".into()),
        },
        DataType::NonNegativeInteger => match value.parse::<u64>() {
            Ok(_) if value.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
            _ => mismatch("nonNegativeInteger (0, 1, 2 …)".into()),
        },
        DataType::Decimal => {
            let plain = {
                let d = value.strip_prefix(['-', '+']).unwrap_or(value);
                let (int, frac) = d.split_once('.').unwrap_or((d, ""));
                !int.is_empty()
                    && int.bytes().all(|b| b.is_ascii_digit())
                    && frac.bytes().all(|b| b.is_ascii_digit())
                    && !(d.contains('.') && frac.is_empty())
            };
            if !plain || Decimal::from_str(value).is_err() {
                return mismatch("decimal (e.g. 1234.50)".into());
            }
            if let Some(max) = def.fraction_digits {
                let frac = value.split_once('.').map(|(_, f)| f.len()).unwrap_or(0);
                if frac > max as usize {
                    return mismatch(format!("decimal with at most {max} digits after the point"));
                }
            }
            Ok(())
        }
        DataType::Date | DataType::DateTime => {
            if parse_date(value, patterns).is_some() {
                Ok(())
            } else {
                Err(TypeMismatch {
                    rule: "metadata.date_format",
                    expected: format!(
                        "{}: {}",
                        def.data_type.as_str(),
                        patterns
                            .iter()
                            .map(DatePattern::as_str)
                            .collect::<Vec<_>>()
                            .join(" | ")
                    ),
                })
            }
        }
        DataType::GYear => {
            if value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()) {
                Ok(())
            } else {
                Err(TypeMismatch {
                    rule: "metadata.date_format",
                    expected: "gYear: YYYY".into(),
                })
            }
        }
        DataType::Base64 => {
            let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            if base64::engine::general_purpose::STANDARD
                .decode(compact.as_bytes())
                .is_ok()
            {
                Ok(())
            } else {
                mismatch("base64".into())
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn p(s: &str) -> DatePattern {
        DatePattern::parse(s).unwrap()
    }

    #[test]
    fn patterns() {
        assert!(p("YYYYMMDD").parse_value("20240131").is_some());
        assert!(p("YYYYMMDD").parse_value("20240231").is_none());
        assert!(p("YYYY-MM-DD").parse_value("2024-1-31").is_none());
        assert!(p("YYYY年M月D日").parse_value("2024年1月31日").is_some());
        assert!(p("YYYY年MM月DD日").parse_value("2024年01月31日").is_some());
        let dt = p("YYYY-MM-DDThh:mm:ss");
        assert!(parse_date("2024-01-31T08:30:00+08:00", std::slice::from_ref(&dt)).is_some());
        assert!(parse_date("2024-01-31T08:30:00.123Z", std::slice::from_ref(&dt)).is_some());
        assert!(parse_date("2024-01-31T25:30:00", std::slice::from_ref(&dt)).is_none());
        assert!(DatePattern::parse("YY-MM-DD").is_err());
        assert!(DatePattern::parse("YYYY-MM").is_err());
        assert!(DatePattern::parse("YYYY-MM-DD hh").is_err());
        assert_eq!(parse_year("2024"), Some(2024));
        assert_eq!(parse_year("24"), None);
    }

    fn typed(t: DataType) -> ElementDef {
        let mut d = ElementDef::new("x");
        d.data_type = t;
        d
    }

    #[test]
    fn types() {
        let ok = |t: DataType, v: &str| check_type(&typed(t), v, &[]).is_ok();
        assert!(ok(DataType::Integer, "-12") && !ok(DataType::Integer, "1.5"));
        assert!(ok(DataType::PositiveInteger, "7"));
        assert!(!ok(DataType::PositiveInteger, "0") && !ok(DataType::PositiveInteger, "+7"));
        assert!(ok(DataType::NonNegativeInteger, "0") && !ok(DataType::NonNegativeInteger, "-1"));
        assert!(ok(DataType::Decimal, "1234.50") && ok(DataType::Decimal, "-3"));
        assert!(
            !ok(DataType::Decimal, "1,234.50")
                && !ok(DataType::Decimal, "1.")
                && !ok(DataType::Decimal, "1e3")
        );
        let mut two = typed(DataType::Decimal);
        two.fraction_digits = Some(2);
        assert!(check_type(&two, "1.25", &[]).is_ok() && check_type(&two, "1.255", &[]).is_err());
        assert!(ok(DataType::GYear, "2024") && !ok(DataType::GYear, "2024年"));
        assert!(ok(DataType::Base64, "TUlJQg==\n") && !ok(DataType::Base64, "not base64!"));
        let d = [DatePattern::parse("YYYYMMDD").unwrap()];
        let e = check_type(&typed(DataType::Date), "2024-01-01", &d).unwrap_err();
        assert_eq!(e.rule, "metadata.date_format");
        assert_eq!(e.expected, "date: YYYYMMDD");
    }
}
