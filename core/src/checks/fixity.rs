//! 1-1 固化信息有效性 (GD-1-1): declared digests (数字摘要) re-computed, and every OFD seal or
//! signature and PDF signature verified through [`crate::authenticity`]. Outcomes: `pass` = every
//! digest and signature verifies and chains to a configured anchor; `warn` = all verify but
//! trust is indeterminate (or a legitimate multi-signature rewrite); `fail` = a digest, signature
//! or validity check fails (the finding names what and where); `not_applicable` = no fixity.

use super::Ctx;
use crate::authenticity::{self, Limits, SignatureReport, Status, Trust, Verification};
use crate::digest::{digest_reader, DigestAlg};
use crate::report::{Finding, Outcome};
use serde_json::json;

pub(super) fn run(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if !ctx.runs("1-1") {
        return;
    }
    let mut any = declared_digests(ctx, out);
    let trust = match Trust::from_options(ctx.options) {
        Ok(t) => t,
        Err(e) => {
            out.push(ctx.finding(
                "1-1",
                "signature.trust_config",
                Outcome::Manual,
                &ctx.record.id,
                format!("信任配置无法读取，签名信任状态无法判定：{e}"),
                format!("the trust configuration cannot be read, so signature trust cannot be decided: {e}"),
            ));
            Trust::none()
        }
    };
    let limits = Limits {
        zip: ctx.options.zip_limits,
        xml: ctx.options.xml_limits,
        max_in_memory: None,
    };
    let mut seal_images = Vec::new();
    for (c, f) in ctx.record.components.iter().zip(ctx.facts) {
        if f.read_error.is_some() {
            continue; // reported by the usability checks
        }
        // verify_source sniffs the content itself (OFD zip, PDF, 数电票 XML; others are skipped).
        let v = match authenticity::verify_source_with(&c.source, &trust, &limits) {
            Ok(v) => v,
            Err(e) => {
                out.push(ctx.finding(
                    "1-1",
                    "signature.unreadable",
                    Outcome::Manual,
                    &c.name,
                    format!("无法检查该文件的电子签名/签章：{e}"),
                    format!("the file's signatures and seals cannot be examined: {e}"),
                ));
                continue;
            }
        };
        any |= !v.signatures.is_empty();
        component_findings(ctx, &c.name, &v, out, &mut seal_images);
    }
    if !any {
        let f = if seal_images.is_empty() {
            ctx.finding(
                "1-1",
                "fixity.none",
                Outcome::NotApplicable,
                &ctx.record.id,
                "该件未携带固化信息（数字摘要、电子签名、电子印章、时间戳）",
                "the record carries no fixity information (digest, signature, seal, timestamp)",
            )
        } else {
            ctx.finding(
                "1-1",
                "fixity.seal_image_only",
                Outcome::NotApplicable,
                &ctx.record.id,
                format!("该件没有电子签名或电子签章，仅有印章图片（{}）：印章图片不是电子印章，不能证明真实性", seal_images.join("、")),
                format!("the record has no digital signature or electronic seal, only a picture of a seal ({}): a seal picture is not an electronic seal and proves nothing", seal_images.join(", ")),
            )
        };
        out.push(f);
    }
}

/// The declared-digest part; returns whether any digest was declared.
fn declared_digests(ctx: &Ctx<'_>, out: &mut Vec<Finding>) -> bool {
    let mut any = false;
    for (c, f) in ctx.record.components.iter().zip(ctx.facts) {
        for (alg_name, expected) in &c.declared.digests {
            any = true;
            let Some(alg) = DigestAlg::parse(alg_name) else {
                out.push(ctx.finding(
                    "1-1",
                    "digest.unknown_algorithm",
                    Outcome::Fail,
                    &c.name,
                    format!("数字摘要算法 {alg_name} 不受支持"),
                    format!("digest algorithm {alg_name} is not supported"),
                ));
                continue;
            };
            let actual = match f.digests.as_ref().and_then(|d| d.get(alg).map(hex::encode)) {
                Some(h) => Some(h),
                None => c
                    .source
                    .open()
                    .ok()
                    .and_then(|mut r| digest_reader(&mut r, &[alg]).ok())
                    .map(|d| d.hex(alg)),
            };
            let Some(actual) = actual else { continue };
            let exp = expected.trim().to_ascii_lowercase();
            out.push(if actual == exp {
                ctx.finding("1-1", "digest.match", Outcome::Pass, &c.name,
                    format!("{} 数字摘要与登记值一致", alg.name()), format!("{} digest matches the declared value", alg.name()))
            } else {
                ctx.finding("1-1", "digest.mismatch", Outcome::Fail, &c.name,
                    format!("{} 数字摘要与登记值不符，文件可能被篡改", alg.name()), format!("{} digest differs from the declared value: the file may have been altered", alg.name()))
            }.with("algorithm", alg.name()).with("declared", exp).with("actual", actual));
        }
    }
    any
}

fn outcome(s: Status) -> Outcome {
    match s {
        Status::Ok => Outcome::Pass,
        Status::Manual => Outcome::Manual,
        Status::Warn | Status::Indeterminate => Outcome::Warn,
        Status::Fail => Outcome::Fail,
    }
}

fn component_findings(
    ctx: &Ctx<'_>,
    name: &str,
    v: &Verification,
    out: &mut Vec<Finding>,
    seal_images: &mut Vec<String>,
) {
    for n in &v.notes {
        if n.rule == "ofd.seal_image_only" {
            seal_images.push(format!(
                "{name}: {}",
                n.location.clone().unwrap_or_default()
            ));
            continue;
        }
        out.push(
            ctx.finding(
                "1-1",
                &n.rule,
                outcome(n.status),
                name,
                &n.message_zh,
                &n.message_en,
            )
            .with("location", n.location.clone().unwrap_or_default()),
        );
    }
    let mut revocation_unknown = Vec::new();
    for s in &v.signatures {
        out.push(signature_finding(ctx, name, s));
        if s.checks
            .iter()
            .any(|c| c.rule.ends_with(".revocation") && c.status == Status::Manual)
        {
            revocation_unknown.push(s.location.clone());
        }
    }
    if !revocation_unknown.is_empty() {
        out.push(
            ctx.finding(
                "1-1",
                "signature.revocation",
                Outcome::Manual,
                name,
                "证书吊销状态无法离线检查（未提供 CRL），需人工核实",
                "certificate revocation cannot be checked offline (no CRL supplied): a person must check it",
            )
            .with("signatures", json!(revocation_unknown)),
        );
    }
}

fn signature_finding(ctx: &Ctx<'_>, name: &str, s: &SignatureReport) -> Finding {
    let st = s.status();
    let bad: Vec<_> = s
        .checks
        .iter()
        .filter(|c| {
            matches!(
                c.status,
                Status::Fail | Status::Warn | Status::Indeterminate
            )
        })
        .filter(|c| st != Status::Fail || c.status == Status::Fail)
        .collect();
    let who = s
        .signer
        .as_deref()
        .map(|x| format!("（签署者 {x}）"))
        .unwrap_or_default();
    let who_en = s
        .signer
        .as_deref()
        .map(|x| format!(" (signer {x})"))
        .unwrap_or_default();
    let (zh, en) = match st {
        Status::Ok | Status::Manual => (
            format!(
                "{} {} 验证通过，证书链接到已配置的信任锚{who}",
                s.kind.zh(),
                s.location
            ),
            format!(
                "{} {} verifies and chains to a configured trust anchor{who_en}",
                s.kind.as_str(),
                s.location
            ),
        ),
        _ => (
            format!(
                "{} {}{who}：{}",
                s.kind.zh(),
                s.location,
                bad.iter()
                    .map(|c| c.message_zh.as_str())
                    .collect::<Vec<_>>()
                    .join("；")
            ),
            format!(
                "{} {}{who_en}: {}",
                s.kind.as_str(),
                s.location,
                bad.iter()
                    .map(|c| c.message_en.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ),
    };
    let rule = match st {
        Status::Ok | Status::Manual => "signature.valid",
        Status::Warn => "signature.valid_with_warnings",
        Status::Indeterminate => "signature.trust_indeterminate",
        Status::Fail => "signature.invalid",
    };
    let checks: Vec<_> = s
        .checks
        .iter()
        .map(|c| json!({"rule": c.rule, "status": c.status.as_str(), "location": c.location, "message": c.message_en}))
        .collect();
    let failed: Vec<_> = s
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| json!({"rule": c.rule, "location": c.location, "message": c.message_en}))
        .collect();
    ctx.finding(
        "1-1",
        rule,
        outcome(st),
        format!("{name}: {}", s.location),
        zh,
        en,
    )
    .with("kind", s.kind.as_str())
    .with("algorithm", json!(s.algorithm))
    .with("signer", json!(s.signer))
    .with("seal_maker", json!(s.seal_maker))
    .with("seal_name", json!(s.seal_name))
    .with("signing_time", json!(s.signing_time))
    .with("timestamp", json!(s.timestamp))
    .with("failed_checks", json!(failed))
    .with("checks", json!(checks))
}
