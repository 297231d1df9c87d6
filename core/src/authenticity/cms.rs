//! CMS SignedData (RFC 5652, and GB/T 35275 with its Chinese content-type OIDs) parsed by hand so
//! that the signed attributes keep their original encoding; signer verification (message digest
//! and signature) and RFC 3161 timestamp tokens (TSTInfo).

use super::algs::{self, HashAlg, SigScheme};
use super::asn1::{self, tag, Tlv};
use super::certs::Cert;

/// id-signedData (RFC 5652).
pub const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
/// GB/T 35275 signedData.
pub const SIGNED_DATA_SM2: &str = "1.2.156.10197.6.1.4.2.2";
/// id-data.
pub const DATA: &str = "1.2.840.113549.1.7.1";
/// GB/T 35275 data.
pub const DATA_SM2: &str = "1.2.156.10197.6.1.4.2.1";
/// id-ct-TSTInfo.
pub const TST_INFO: &str = "1.2.840.113549.1.9.16.1.4";
/// contentType attribute.
pub const ATTR_CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
/// messageDigest attribute.
pub const ATTR_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
/// signingTime attribute.
pub const ATTR_SIGNING_TIME: &str = "1.2.840.113549.1.9.5";
/// signature timestamp token (unsigned attribute).
pub const ATTR_TIMESTAMP_TOKEN: &str = "1.2.840.113549.1.9.16.2.14";

/// How a SignerInfo names its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerId {
    /// IssuerAndSerialNumber: raw issuer Name and raw serial.
    IssuerSerial(Vec<u8>, Vec<u8>),
    /// SubjectKeyIdentifier.
    Ski(Vec<u8>),
}

/// One SignerInfo, with the original bytes of its signed attributes.
#[derive(Debug, Clone)]
pub struct SignerInfo<'a> {
    /// Signer identifier.
    pub sid: SignerId,
    /// Digest algorithm OID.
    pub digest_oid: String,
    /// The `[0]` signedAttrs element exactly as encoded (tag 0xA0), if present.
    pub signed_attrs_raw: Option<&'a [u8]>,
    /// Signed attributes: (OID, first value).
    pub signed_attrs: Vec<(String, Tlv<'a>)>,
    /// Raw signature AlgorithmIdentifier.
    pub sig_alg: &'a [u8],
    /// Signature value.
    pub signature: &'a [u8],
    /// Unsigned attributes: (OID, first value).
    pub unsigned_attrs: Vec<(String, Tlv<'a>)>,
}

impl SignerInfo<'_> {
    /// A signed attribute's first value.
    pub fn attr(&self, oid: &str) -> Option<&Tlv<'_>> {
        self.signed_attrs
            .iter()
            .find(|(o, _)| o == oid)
            .map(|(_, v)| v)
    }
    /// signingTime, Unix seconds.
    pub fn signing_time(&self) -> Option<i64> {
        self.attr(ATTR_SIGNING_TIME).and_then(asn1::parse_time)
    }
}

/// A parsed SignedData.
#[derive(Debug, Clone)]
pub struct SignedData<'a> {
    /// The ContentInfo content type (RFC 5652 or GB/T 35275 OID).
    pub content_type: String,
    /// encapContentInfo eContentType.
    pub econtent_type: String,
    /// Attached content, if any.
    pub econtent: Option<&'a [u8]>,
    /// Certificates carried (unparsable ones are skipped and counted).
    pub certs: Vec<Cert>,
    /// Certificates that could not be parsed.
    pub bad_certs: usize,
    /// The signers.
    pub signers: Vec<SignerInfo<'a>>,
}

fn e(s: impl std::fmt::Display) -> String {
    s.to_string()
}

/// Parses a ContentInfo holding SignedData. Trailing zero bytes are tolerated (PDF /Contents).
pub fn parse(bytes: &[u8]) -> Result<SignedData<'_>, String> {
    let ci = Tlv::parse_one(bytes).map_err(|x| format!("ContentInfo: {x}"))?;
    let mut r = ci.reader();
    let ct = r.next("contentType").and_then(|t| t.oid()).map_err(e)?;
    if ct != SIGNED_DATA && ct != SIGNED_DATA_SM2 {
        return Err(format!("ContentInfo type {ct} is not SignedData"));
    }
    let wrapper = r.expect(0xa0, "content [0]").map_err(e)?;
    let sd = Tlv::parse(wrapper.value)
        .map_err(e)?
        .0
        .expect(tag::SEQUENCE, "SignedData")
        .map_err(e)?;
    let mut r = sd.reader();
    r.expect(tag::INTEGER, "version").map_err(e)?;
    r.expect(tag::SET, "digestAlgorithms").map_err(e)?;
    let eci = r.expect(tag::SEQUENCE, "encapContentInfo").map_err(e)?;
    let mut er = eci.reader();
    let econtent_type = er.next("eContentType").and_then(|t| t.oid()).map_err(e)?;
    let econtent = match er.optional(0xa0).map_err(e)? {
        Some(w) => {
            let inner = Tlv::parse(w.value).map_err(e)?.0;
            Some(match inner.tag {
                tag::OCTET_STRING => inner.value,
                // Some producers put the content directly (e.g. a SEQUENCE TSTInfo).
                _ => inner.raw,
            })
        }
        None => None,
    };
    let mut certs = Vec::new();
    let mut bad_certs = 0;
    if let Some(cs) = r.optional(0xa0).map_err(e)? {
        for c in cs.reader().all("certificate").map_err(e)? {
            if c.tag != tag::SEQUENCE {
                continue; // attribute certificates and other choices
            }
            match Cert::from_der(c.raw) {
                Ok(c) => certs.push(c),
                Err(_) => bad_certs += 1,
            }
        }
    }
    r.optional(0xa1).map_err(e)?; // crls
    let sis = r.expect(tag::SET, "signerInfos").map_err(e)?;
    let mut signers = Vec::new();
    for si in sis.reader().all("SignerInfo").map_err(e)? {
        signers.push(parse_signer(si)?);
    }
    Ok(SignedData {
        content_type: ct,
        econtent_type,
        econtent,
        certs,
        bad_certs,
        signers,
    })
}

fn parse_attrs<'a>(t: &Tlv<'a>) -> Result<Vec<(String, Tlv<'a>)>, String> {
    let mut out = Vec::new();
    for a in t.reader().all("attribute").map_err(e)? {
        let mut ar = a.reader();
        let oid = ar.next("attrType").and_then(|o| o.oid()).map_err(e)?;
        let vals = ar.expect(tag::SET, "attrValues").map_err(e)?;
        if let Some(v) = vals
            .reader()
            .all("attribute value")
            .map_err(e)?
            .into_iter()
            .next()
        {
            out.push((oid, v));
        }
    }
    Ok(out)
}

fn parse_signer<'a>(si: Tlv<'a>) -> Result<SignerInfo<'a>, String> {
    let mut r = si.reader();
    r.expect(tag::INTEGER, "SignerInfo version").map_err(e)?;
    let sid_t = r.next("sid").map_err(e)?;
    let sid = match sid_t.tag {
        tag::SEQUENCE => {
            let mut sr = sid_t.reader();
            let issuer = sr.expect(tag::SEQUENCE, "issuer").map_err(e)?;
            let serial = sr.expect(tag::INTEGER, "serialNumber").map_err(e)?;
            SignerId::IssuerSerial(issuer.raw.to_vec(), serial.value.to_vec())
        }
        0x80 | 0xa0 => SignerId::Ski(sid_t.value.to_vec()),
        t => return Err(format!("SignerInfo sid has unexpected tag 0x{t:02x}")),
    };
    let dalg = r.expect(tag::SEQUENCE, "digestAlgorithm").map_err(e)?;
    let digest_oid = dalg
        .reader()
        .next("digest OID")
        .and_then(|o| o.oid())
        .map_err(e)?;
    let mut signed_attrs_raw = None;
    let mut signed_attrs = Vec::new();
    if let Some(sa) = r.optional(0xa0).map_err(e)? {
        signed_attrs_raw = Some(sa.raw);
        signed_attrs = parse_attrs(&sa)?;
    }
    let sig_alg = r
        .expect(tag::SEQUENCE, "signatureAlgorithm")
        .map_err(e)?
        .raw;
    let signature = r.expect(tag::OCTET_STRING, "signature").map_err(e)?.value;
    let unsigned_attrs = match r.optional(0xa1).map_err(e)? {
        Some(u) => parse_attrs(&u)?,
        None => Vec::new(),
    };
    Ok(SignerInfo {
        sid,
        digest_oid,
        signed_attrs_raw,
        signed_attrs,
        sig_alg,
        signature,
        unsigned_attrs,
    })
}

impl SignedData<'_> {
    /// The certificate a signer names, among those carried and `extra`.
    pub fn signer_cert<'c>(&'c self, si: &SignerInfo<'_>, extra: &'c [Cert]) -> Option<&'c Cert> {
        self.certs
            .iter()
            .chain(extra.iter())
            .find(|c| match &si.sid {
                SignerId::IssuerSerial(iss, ser) => {
                    c.issuer_raw == *iss && strip0(&c.serial_raw) == strip0(ser)
                }
                SignerId::Ski(ski) => ski_of(c).as_deref() == Some(ski.as_slice()),
            })
    }
}

fn strip0(v: &[u8]) -> &[u8] {
    let n = v
        .iter()
        .take_while(|&&b| b == 0)
        .count()
        .min(v.len().saturating_sub(1));
    &v[n..]
}

fn ski_of(c: &Cert) -> Option<Vec<u8>> {
    use x509_parser::prelude::FromDer as _;
    let (_, x) = x509_parser::certificate::X509Certificate::from_der(&c.der).ok()?;
    let ski = x
        .iter_extensions()
        .find_map(|ext| match ext.parsed_extension() {
            x509_parser::extensions::ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0.to_vec()),
            _ => None,
        });
    ski
}

/// What verifying one SignerInfo found.
#[derive(Debug, Clone)]
pub struct SignerOutcome {
    /// The signer certificate, if found.
    pub cert: Option<Cert>,
    /// The digest algorithm.
    pub digest: Option<HashAlg>,
    /// The signature scheme, once resolved.
    pub scheme: Option<SigScheme>,
    /// signingTime attribute.
    pub signing_time: Option<i64>,
    /// `Some(true)` when the messageDigest attribute (or attached content) matches the content.
    pub content_ok: Option<bool>,
    /// Signature check result.
    pub signature: Result<(), String>,
    /// Whether the signature verified only over the sorted (re-encoded) attributes.
    pub used_sorted_attrs: bool,
    /// Whether the algorithms are ones guidang cannot verify (the outcome is indeterminate).
    pub unsupported: bool,
}

/// Verifies one signer. `content_digest(h)` returns the digest of the signed content (the PDF
/// ByteRange, the OFD Signature.xml…), and `content` the content itself when there are no signed
/// attributes (then the signature is over the content). `alt_digests` are further values the
/// messageDigest may legitimately equal (GB/T 35275 producers sign SM3(Signature.xml) as content).
pub fn verify_signer(
    sd: &SignedData<'_>,
    si: &SignerInfo<'_>,
    extra_certs: &[Cert],
    content_digest: &dyn Fn(HashAlg) -> Vec<u8>,
    content: &dyn Fn() -> Vec<u8>,
) -> SignerOutcome {
    let digest = HashAlg::from_oid(&si.digest_oid);
    let cert = sd.signer_cert(si, extra_certs).cloned();
    let mut out = SignerOutcome {
        cert: cert.clone(),
        digest,
        scheme: None,
        signing_time: si.signing_time(),
        content_ok: None,
        signature: Err(String::new()),
        used_sorted_attrs: false,
        unsupported: false,
    };
    let Some(h) = digest else {
        out.unsupported = true;
        out.signature = Err(format!(
            "digest algorithm {} is not supported",
            si.digest_oid
        ));
        return out;
    };
    if si.signed_attrs_raw.is_some() {
        let md = si.attr(ATTR_MESSAGE_DIGEST).map(|t| t.value.to_vec());
        let expected = match sd.econtent {
            Some(ec) => h.digest(ec),
            None => content_digest(h),
        };
        out.content_ok = Some(md.as_deref() == Some(expected.as_slice()));
    }
    let Some(cert) = cert else {
        out.signature = Err("the signer's certificate is not in the signature".into());
        return out;
    };
    let scheme = match SigScheme::resolve(si.sig_alg, &cert.key, Some(h)) {
        Ok(s) => s,
        Err(x) => {
            out.unsupported = true;
            out.signature = Err(x);
            return out;
        }
    };
    out.scheme = Some(scheme);
    match si.signed_attrs_raw {
        Some(raw) => {
            let mut msg = raw.to_vec();
            msg[0] = tag::SET;
            out.signature = algs::verify(scheme, &cert.key, &msg, si.signature);
            if out.signature.is_err() {
                // Signers that re-sort nothing can still be checked against DER order.
                let parts: Vec<&[u8]> = Tlv::parse(raw)
                    .ok()
                    .and_then(|(t, _)| t.reader().all("attr").ok())
                    .map(|v| v.into_iter().map(|a| a.raw).collect())
                    .unwrap_or_default();
                let sorted = asn1::set(&parts);
                if sorted != msg && algs::verify(scheme, &cert.key, &sorted, si.signature).is_ok() {
                    out.signature = Ok(());
                    out.used_sorted_attrs = true;
                }
            }
        }
        None => {
            let msg = match sd.econtent {
                Some(ec) => ec.to_vec(),
                None => content(),
            };
            out.signature = algs::verify(scheme, &cert.key, &msg, si.signature);
        }
    }
    out
}

/// The parts of an RFC 3161 TSTInfo guidang reports and checks.
#[derive(Debug, Clone)]
pub struct TstInfo {
    /// messageImprint hash algorithm.
    pub hash: Option<HashAlg>,
    /// messageImprint hash algorithm OID.
    pub hash_oid: String,
    /// hashedMessage.
    pub hashed: Vec<u8>,
    /// genTime, Unix seconds.
    pub gen_time: Option<i64>,
    /// Raw genTime text.
    pub gen_time_text: String,
}

/// Parses a TSTInfo (the eContent of a timestamp token).
pub fn parse_tst_info(b: &[u8]) -> Result<TstInfo, String> {
    let t = Tlv::parse(b).map_err(e)?.0;
    let mut r = t.reader();
    r.expect(tag::INTEGER, "version").map_err(e)?;
    r.expect(tag::OID, "policy").map_err(e)?;
    let mi = r.expect(tag::SEQUENCE, "messageImprint").map_err(e)?;
    let mut mr = mi.reader();
    let alg = mr.expect(tag::SEQUENCE, "hashAlgorithm").map_err(e)?;
    let hash_oid = alg.reader().next("oid").and_then(|o| o.oid()).map_err(e)?;
    let hashed = mr
        .expect(tag::OCTET_STRING, "hashedMessage")
        .map_err(e)?
        .value
        .to_vec();
    r.expect(tag::INTEGER, "serialNumber").map_err(e)?;
    let gt = r.next("genTime").map_err(e)?;
    Ok(TstInfo {
        hash: HashAlg::from_oid(&hash_oid),
        hash_oid,
        hashed,
        gen_time: asn1::parse_time(&gt),
        gen_time_text: gt.text(),
    })
}

/// Result of checking a timestamp token over some data.
#[derive(Debug, Clone)]
pub struct TimestampOutcome {
    /// The TSTInfo, if parsed.
    pub info: Option<TstInfo>,
    /// The TSA certificate subject.
    pub tsa: Option<String>,
    /// The TSA certificate.
    pub tsa_cert: Option<Cert>,
    /// Whether messageImprint equals the hash of the stamped data (None: unsupported hash).
    pub imprint_ok: Option<bool>,
    /// Whether the token's own signature verifies.
    pub signature: Result<(), String>,
}

/// Parses and verifies a timestamp token (a ContentInfo) stamping `data`.
pub fn verify_timestamp(token: &[u8], data: &dyn Fn(HashAlg) -> Vec<u8>) -> TimestampOutcome {
    let mut out = TimestampOutcome {
        info: None,
        tsa: None,
        tsa_cert: None,
        imprint_ok: None,
        signature: Err("not parsed".into()),
    };
    let sd = match parse(token) {
        Ok(sd) => sd,
        Err(x) => {
            out.signature = Err(format!("the timestamp token cannot be parsed: {x}"));
            return out;
        }
    };
    let Some(ec) = sd.econtent else {
        out.signature = Err("the timestamp token has no TSTInfo".into());
        return out;
    };
    match parse_tst_info(ec) {
        Ok(info) => {
            out.imprint_ok = info.hash.map(|h| data(h) == info.hashed);
            out.info = Some(info);
        }
        Err(x) => {
            out.signature = Err(format!("TSTInfo cannot be parsed: {x}"));
            return out;
        }
    }
    let Some(si) = sd.signers.first() else {
        out.signature = Err("the timestamp token has no signer".into());
        return out;
    };
    let o = verify_signer(&sd, si, &[], &|_| Vec::new(), &Vec::new);
    out.tsa = o.cert.as_ref().map(|c| c.subject.clone());
    out.tsa_cert = o.cert.clone();
    out.signature = match (o.signature, o.content_ok) {
        (Ok(()), Some(false)) => Err("the token's messageDigest does not match its TSTInfo".into()),
        (r, _) => r,
    };
    out
}
