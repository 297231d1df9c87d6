//! 1-1 固化信息有效性: declared digests (数字摘要) re-computed. Signatures and seals are added by
//! the authenticity layer.

use super::Ctx;
use crate::digest::{digest_reader, DigestAlg};
use crate::report::{Finding, Outcome};

pub(super) fn run(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if !ctx.runs("1-1") {
        return;
    }
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
    if !any {
        out.push(ctx.finding(
            "1-1",
            "fixity.none",
            Outcome::NotApplicable,
            &ctx.record.id,
            "该件未携带固化信息（数字摘要、电子签名、电子印章、时间戳）",
            "the record carries no fixity information (digest, signature, seal, timestamp)",
        ));
    }
}
