//! A small, lenient DER reader and writer for the structures the authenticity layer walks by hand
//! (SES seals, CMS SignedData, PKCS#8 keys). Reading keeps the original bytes of every element,
//! which is what signature verification needs (signed attributes are hashed as encoded, never
//! re-encoded). Definite lengths only; nesting depth and sizes are bounded by the input slice.

use std::fmt;

/// Universal tags used here.
pub mod tag {
    /// BOOLEAN.
    pub const BOOLEAN: u8 = 0x01;
    /// INTEGER.
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING.
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING.
    pub const OCTET_STRING: u8 = 0x04;
    /// NULL.
    pub const NULL: u8 = 0x05;
    /// OBJECT IDENTIFIER.
    pub const OID: u8 = 0x06;
    /// UTF8String.
    pub const UTF8_STRING: u8 = 0x0c;
    /// PrintableString.
    pub const PRINTABLE_STRING: u8 = 0x13;
    /// IA5String.
    pub const IA5_STRING: u8 = 0x16;
    /// UTCTime.
    pub const UTC_TIME: u8 = 0x17;
    /// GeneralizedTime.
    pub const GENERALIZED_TIME: u8 = 0x18;
    /// SEQUENCE (constructed).
    pub const SEQUENCE: u8 = 0x30;
    /// SET (constructed).
    pub const SET: u8 = 0x31;
}

/// A DER decoding problem (the element is named by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asn1Error(pub String);

impl fmt::Display for Asn1Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Asn1Error {}

fn err(msg: impl Into<String>) -> Asn1Error {
    Asn1Error(msg.into())
}

/// One decoded element: its tag byte, its content and its full original encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The identifier octet (single-byte tags only).
    pub tag: u8,
    /// Content octets.
    pub value: &'a [u8],
    /// Tag, length and content exactly as encoded.
    pub raw: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// Reads one element from the start of `input`; returns it and the rest.
    pub fn parse(input: &'a [u8]) -> Result<(Tlv<'a>, &'a [u8]), Asn1Error> {
        let (&t, rest) = input
            .split_first()
            .ok_or_else(|| err("unexpected end of data"))?;
        if t & 0x1f == 0x1f {
            return Err(err(format!("multi-byte tag 0x{t:02x} is not supported")));
        }
        let (&l0, mut rest) = rest
            .split_first()
            .ok_or_else(|| err("missing length octet"))?;
        let len = if l0 < 0x80 {
            l0 as usize
        } else if l0 == 0x80 {
            return Err(err("indefinite length (BER) is not supported"));
        } else {
            let n = (l0 & 0x7f) as usize;
            if n > 4 || rest.len() < n {
                return Err(err("bad long-form length"));
            }
            let mut v = 0usize;
            for &b in &rest[..n] {
                v = (v << 8) | b as usize;
            }
            rest = &rest[n..];
            v
        };
        if rest.len() < len {
            return Err(err(format!(
                "element 0x{t:02x} claims {len} bytes, only {} remain",
                rest.len()
            )));
        }
        let header = input.len() - rest.len();
        let tlv = Tlv {
            tag: t,
            value: &rest[..len],
            raw: &input[..header + len],
        };
        Ok((tlv, &rest[len..]))
    }

    /// Parses exactly one element; trailing bytes are an error unless they are all zero
    /// (PDF /Contents is zero-padded).
    pub fn parse_one(input: &'a [u8]) -> Result<Tlv<'a>, Asn1Error> {
        let (t, rest) = Tlv::parse(input)?;
        if rest.iter().any(|&b| b != 0) {
            return Err(err(format!(
                "{} unexpected bytes after the element",
                rest.len()
            )));
        }
        Ok(t)
    }

    /// Whether the element is constructed.
    pub fn constructed(&self) -> bool {
        self.tag & 0x20 != 0
    }

    /// A reader over the content of a constructed element.
    pub fn reader(&self) -> Reader<'a> {
        Reader { rest: self.value }
    }

    /// Checks the tag.
    pub fn expect(self, tag: u8, what: &str) -> Result<Tlv<'a>, Asn1Error> {
        if self.tag == tag {
            Ok(self)
        } else {
            Err(err(format!(
                "{what}: expected tag 0x{tag:02x}, found 0x{:02x}",
                self.tag
            )))
        }
    }

    /// The OBJECT IDENTIFIER in dotted form.
    pub fn oid(&self) -> Result<String, Asn1Error> {
        if self.tag != tag::OID {
            return Err(err(format!(
                "expected an OID, found tag 0x{:02x}",
                self.tag
            )));
        }
        decode_oid(self.value)
    }

    /// A BIT STRING's bytes (unused-bits octet dropped); OCTET STRINGs are accepted too
    /// (producers differ, e.g. non-standard GM/T 0031 files).
    pub fn bits_or_octets(&self) -> Result<&'a [u8], Asn1Error> {
        match self.tag {
            tag::BIT_STRING => self
                .value
                .split_first()
                .map(|(_, b)| b)
                .ok_or_else(|| err("empty BIT STRING")),
            tag::OCTET_STRING => Ok(self.value),
            t => Err(err(format!(
                "expected a BIT or OCTET STRING, found tag 0x{t:02x}"
            ))),
        }
    }

    /// Text of a string or time element (UTF-8, lossily).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(self.value).into_owned()
    }

    /// A non-negative INTEGER that fits in u64.
    pub fn small_uint(&self) -> Result<u64, Asn1Error> {
        if self.tag != tag::INTEGER || self.value.is_empty() || self.value.len() > 9 {
            return Err(err("expected a small INTEGER"));
        }
        if self.value[0] & 0x80 != 0 {
            return Err(err("negative INTEGER"));
        }
        Ok(self.value.iter().fold(0u64, |a, &b| (a << 8) | b as u64))
    }
}

/// Sequential reader over the content of a constructed element.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over raw bytes.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }
    /// Whether nothing is left.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }
    /// The tag of the next element, if any.
    pub fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }
    /// The next element.
    pub fn next(&mut self, what: &str) -> Result<Tlv<'a>, Asn1Error> {
        let (t, rest) = Tlv::parse(self.rest).map_err(|e| err(format!("{what}: {e}")))?;
        self.rest = rest;
        Ok(t)
    }
    /// The next element, which must have `tag`.
    pub fn expect(&mut self, tag: u8, what: &str) -> Result<Tlv<'a>, Asn1Error> {
        self.next(what)?.expect(tag, what)
    }
    /// The next element if it has `tag`.
    pub fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, Asn1Error> {
        if self.peek_tag() == Some(tag) {
            self.next("optional element").map(Some)
        } else {
            Ok(None)
        }
    }
    /// Every remaining element.
    pub fn all(mut self, what: &str) -> Result<Vec<Tlv<'a>>, Asn1Error> {
        let mut v = Vec::new();
        while !self.is_empty() {
            v.push(self.next(what)?);
        }
        Ok(v)
    }
}

/// Decodes OID content octets to dotted form.
pub fn decode_oid(v: &[u8]) -> Result<String, Asn1Error> {
    if v.is_empty() {
        return Err(err("empty OID"));
    }
    let mut arcs: Vec<u64> = Vec::new();
    let mut cur: u64 = 0;
    for (i, &b) in v.iter().enumerate() {
        if cur > (u64::MAX >> 8) {
            return Err(err("OID arc too large"));
        }
        cur = (cur << 7) | (b & 0x7f) as u64;
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let (a, b) = if cur < 40 {
                    (0, cur)
                } else if cur < 80 {
                    (1, cur - 40)
                } else {
                    (2, cur - 80)
                };
                arcs.push(a);
                arcs.push(b);
            } else {
                arcs.push(cur);
            }
            cur = 0;
        } else if i == v.len() - 1 {
            return Err(err("truncated OID"));
        }
    }
    Ok(arcs
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join("."))
}

// ---------------------------------------------------------------- writer

/// Encodes one element.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes = (n as u64).to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (8 - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A SEQUENCE of already encoded elements.
pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag::SEQUENCE, &parts.concat())
}

/// A SET of already encoded elements, sorted into DER order.
pub fn set(parts: &[&[u8]]) -> Vec<u8> {
    let mut v: Vec<&[u8]> = parts.to_vec();
    v.sort();
    tlv(tag::SET, &v.concat())
}

/// An OBJECT IDENTIFIER from dotted form. Panics never: malformed input encodes as an empty OID.
pub fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').filter_map(|a| a.parse().ok()).collect();
    let mut body = Vec::new();
    if arcs.len() >= 2 {
        let mut push = |mut v: u64| {
            let mut tmp = vec![(v & 0x7f) as u8];
            v >>= 7;
            while v > 0 {
                tmp.push(0x80 | (v & 0x7f) as u8);
                v >>= 7;
            }
            tmp.reverse();
            body.extend(tmp);
        };
        push(arcs[0] * 40 + arcs[1]);
        for &a in &arcs[2..] {
            push(a);
        }
    }
    tlv(tag::OID, &body)
}

/// A non-negative INTEGER from big-endian magnitude bytes.
pub fn uint(be: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = {
        let skip = be
            .iter()
            .take_while(|&&b| b == 0)
            .count()
            .min(be.len().saturating_sub(1));
        &be[skip..]
    };
    let mut c = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.is_empty() || trimmed[0] & 0x80 != 0 {
        c.push(0);
    }
    c.extend_from_slice(trimmed);
    tlv(tag::INTEGER, &c)
}

/// A small INTEGER.
pub fn int(v: u64) -> Vec<u8> {
    uint(&v.to_be_bytes())
}

/// An OCTET STRING.
pub fn octets(v: &[u8]) -> Vec<u8> {
    tlv(tag::OCTET_STRING, v)
}

/// A BIT STRING with no unused bits.
pub fn bits(v: &[u8]) -> Vec<u8> {
    let mut c = Vec::with_capacity(v.len() + 1);
    c.push(0);
    c.extend_from_slice(v);
    tlv(tag::BIT_STRING, &c)
}

/// A UTF8String.
pub fn utf8(s: &str) -> Vec<u8> {
    tlv(tag::UTF8_STRING, s.as_bytes())
}

/// An IA5String.
pub fn ia5(s: &str) -> Vec<u8> {
    tlv(tag::IA5_STRING, s.as_bytes())
}

/// NULL.
pub fn null() -> Vec<u8> {
    vec![tag::NULL, 0]
}

/// A context-specific explicit (constructed) tag `[n]` around an encoded element.
pub fn explicit(n: u8, inner: &[u8]) -> Vec<u8> {
    tlv(0xa0 | n, inner)
}

/// GeneralizedTime `YYYYMMDDHHMMSSZ` from a Unix time.
pub fn generalized_time(unix: i64) -> Vec<u8> {
    let t = chrono::DateTime::from_timestamp(unix, 0).unwrap_or_default();
    tlv(
        tag::GENERALIZED_TIME,
        t.format("%Y%m%d%H%M%SZ").to_string().as_bytes(),
    )
}

/// UTCTime `YYMMDDHHMMSSZ` (years 1950–2049) or GeneralizedTime outside that range, as X.509 wants.
pub fn x509_time(unix: i64) -> Vec<u8> {
    let t = chrono::DateTime::from_timestamp(unix, 0).unwrap_or_default();
    let y = chrono::Datelike::year(&t);
    if (1950..2050).contains(&y) {
        tlv(
            tag::UTC_TIME,
            t.format("%y%m%d%H%M%SZ").to_string().as_bytes(),
        )
    } else {
        generalized_time(unix)
    }
}

/// Parses an ASN.1 UTCTime or GeneralizedTime (also the loose forms producers write: without
/// seconds or zone, with fractions, or with a `+hhmm` offset) into Unix seconds.
pub fn parse_time(t: &Tlv<'_>) -> Option<i64> {
    let s = std::str::from_utf8(t.value).ok()?.trim();
    match t.tag {
        tag::UTC_TIME => {
            let yy: i64 = s.get(0..2)?.parse().ok()?;
            let year = if yy >= 50 { 1900 + yy } else { 2000 + yy };
            parse_digits_time(&format!("{year}{}", s.get(2..)?))
        }
        _ => parse_digits_time(s),
    }
}

/// Parses `YYYYMMDDHHMM[SS][.fff][Z|+hhmm|-hhmm]` into Unix seconds.
pub fn parse_digits_time(s: &str) -> Option<i64> {
    let (body, offset) = if let Some(b) = s.strip_suffix('Z') {
        (b, 0i64)
    } else if let Some(pos) = s.rfind(['+', '-']).filter(|&p| p >= 12) {
        let z = &s[pos + 1..];
        let h: i64 = z.get(0..2)?.parse().ok()?;
        let m: i64 = z.get(2..4).unwrap_or("00").parse().ok()?;
        let sign = if &s[pos..pos + 1] == "-" { -1 } else { 1 };
        (&s[..pos], sign * (h * 3600 + m * 60))
    } else {
        (s, 0)
    };
    let body = body.split('.').next()?;
    let fmt = match body.len() {
        14 => "%Y%m%d%H%M%S",
        12 => "%Y%m%d%H%M",
        _ => return None,
    };
    let dt = chrono::NaiveDateTime::parse_from_str(body, fmt).ok()?;
    Some(dt.and_utc().timestamp() - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oid_round_trip_and_lengths() {
        for o in [
            "1.2.156.10197.1.501",
            "2.16.840.1.101.3.4.2.1",
            "1.2.840.113549.1.7.2",
        ] {
            let enc = oid(o);
            let (t, rest) = Tlv::parse(&enc).unwrap();
            assert!(rest.is_empty());
            assert_eq!(t.oid().unwrap(), o);
        }
        let long = octets(&vec![7u8; 300]);
        assert_eq!(&long[..4], &[0x04, 0x82, 0x01, 0x2c]);
        let t = Tlv::parse_one(&long).unwrap();
        assert_eq!(t.value.len(), 300);
        assert_eq!(t.raw.len(), 304);
    }

    #[test]
    fn rejects_truncation_and_indefinite_length() {
        assert!(Tlv::parse(&[0x30, 0x05, 1, 2]).is_err());
        assert!(Tlv::parse(&[0x30, 0x80, 0, 0]).is_err());
        assert!(Tlv::parse_one(&[0x05, 0x00, 0x00, 0x00]).is_ok());
        assert!(Tlv::parse_one(&[0x05, 0x00, 0x01]).is_err());
    }

    #[test]
    fn integers_and_times() {
        assert_eq!(uint(&[0x00, 0x80]), vec![0x02, 0x02, 0x00, 0x80]);
        assert_eq!(int(0), vec![0x02, 0x01, 0x00]);
        let g = generalized_time(1_600_000_000);
        let t = Tlv::parse_one(&g).unwrap();
        assert_eq!(parse_time(&t), Some(1_600_000_000));
        let u = x509_time(1_600_000_000);
        assert_eq!(u[0], tag::UTC_TIME);
        assert_eq!(
            parse_time(&Tlv::parse_one(&u).unwrap()),
            Some(1_600_000_000)
        );
        assert_eq!(
            parse_digits_time("20200916153000+0800"),
            Some(1_600_241_400)
        );
    }
}
