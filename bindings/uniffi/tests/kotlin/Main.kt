// Kotlin tests of the uniffi binding, run on the JVM by scripts/test-jvm.sh:
// the mapping (types, typed exceptions with code and detail, threads) and the shared scenarios
// (tests/scenarios.json -> target/scenarios/kotlin.json). Usage: MainKt <repository root>
package cn.guidang.tests

import cn.guidang.*
import java.io.File
import java.util.concurrent.Callable
import java.util.concurrent.Executors

var passed = 0
val failures = ArrayList<String>()

fun test(name: String, body: () -> Unit) {
    try {
        body()
        passed++
        println("ok   $name")
    } catch (e: Throwable) {
        failures.add("$name: $e")
        println("FAIL $name: $e")
    }
}

fun check(cond: Boolean, msg: () -> String) {
    if (!cond) throw AssertionError(msg())
}

fun component(root: File, c: Map<String, Any?>): ComponentInput {
    val role = c["role"] as String? ?: "正文"
    val name = c["name"] as String?
    return when {
        c.containsKey("path") -> ComponentInput(role = role, name = name, path = File(root, c["path"] as String).path)
        c.containsKey("bytes_of") -> ComponentInput(role = role, name = name, data = File(root, c["bytes_of"] as String).readBytes())
        else -> ComponentInput(role = role, name = name, data = (c["text"] as String).toByteArray(Charsets.UTF_8))
    }
}

@Suppress("UNCHECKED_CAST")
fun declaredOf(c: Map<String, Any?>): Pair<Map<String, String>, Map<String, String>> =
    Pair((c["declared"] as Map<String, String>?) ?: emptyMap(), (c["digests"] as Map<String, String>?) ?: emptyMap())

@Suppress("UNCHECKED_CAST")
fun runScenario(root: File, s: Map<String, Any?>): Report {
    s["path"]?.let { return checkPath(File(root, it as String).path) }
    val r = s["record"] as Map<String, Any?>
    val comps = (r["components"] as List<Map<String, Any?>>?).orEmpty()
    val input = RecordInput(
        id = r["id"] as String,
        metadataJson = r["metadata"]?.let { Json.write(it) },
        schema = r["schema"] as String?,
        components = comps.map { c ->
            val (declared, digests) = declaredOf(c)
            component(root, c).copy(declared = declared, digests = digests)
        },
    )
    return checkRecord(input)
}

@Suppress("UNCHECKED_CAST")
fun scenarios(root: File) {
    val manifest = Json.parse(File(root, "tests/scenarios.json").readText()) as Map<String, Any?>
    val list = manifest["scenarios"] as List<Map<String, Any?>>
    val results = ArrayList<Map<String, Any?>>()
    val problems = ArrayList<String>()
    for (s in list) {
        val id = s["id"] as String
        try {
            val report = runScenario(root, s)
            val verdict = report.verdict.name.lowercase()
            if (s.containsKey("error")) {
                problems.add("$id: expected error ${s["error"]}, got a report")
            } else {
                if (verdict != s["verdict"]) problems.add("$id: verdict $verdict, expected ${s["verdict"]} (${report.failedCodes})")
                for (code in s["failed"] as List<String>) {
                    if (code !in report.failedCodes) problems.add("$id: $code did not fail (${report.failedCodes})")
                }
            }
            results.add(linkedMapOf(
                "id" to id,
                "verdict" to verdict,
                "failed" to report.failedCodes,
                "findings" to report.findings.map { "${it.code} ${it.rule} ${outcomeName(it.outcome)}" },
            ))
        } catch (e: GuidangException) {
            val code = errorCode(e)
            if (s["error"] != code) problems.add("$id: error $code (${e.message}), expected ${s["error"]}")
            results.add(linkedMapOf("id" to id, "error" to code))
        }
    }
    val out = File(root, "target/scenarios")
    out.mkdirs()
    File(out, "kotlin.json").writeText(Json.write(linkedMapOf("lang" to "kotlin", "results" to results)))
    check(results.size == list.size) { "not every scenario ran" }
    check(problems.isEmpty()) { problems.joinToString("\n") }
}

fun outcomeName(o: Outcome): String = when (o) {
    Outcome.PASS -> "pass"
    Outcome.FAIL -> "fail"
    Outcome.WARN -> "warn"
    Outcome.MANUAL -> "manual"
    Outcome.NOT_APPLICABLE -> "not_applicable"
}

fun errorCode(e: GuidangException): String = when (e) {
    is GuidangException.Input -> e.code
    is GuidangException.Schema -> e.code
    is GuidangException.Config -> e.code
    is GuidangException.Limit -> e.code
    is GuidangException.Conflict -> e.code
    is GuidangException.Duplicate -> e.code
    is GuidangException.Refused -> e.code
    is GuidangException.Crypto -> e.code
    is GuidangException.Internal -> e.code
}

fun main(args: Array<String>) {
    val root = File(args.getOrElse(0) { "." }).absoluteFile
    val valid = File(root, "fixtures/records/valid-wenshu").path
    val broken = File(root, "fixtures/records/digest-mismatch").path

    test("report types") {
        val r = checkPath(valid)
        check(r.verdict == Verdict.PASS) { "verdict ${r.verdict}" }
        check(r.id == "BGS-2024-000001") { r.id }
        check(r.stage == "GD" && r.scheme == "gd-default") { "${r.stage} ${r.scheme}" }
        check(r.findings.isNotEmpty() && r.findings.all { it.code.startsWith("GD-") }) { "findings" }
        check(r.failedCodes.isEmpty()) { "${r.failedCodes}" }
        val parsed = Json.parse(r.json) as Map<*, *>
        check(parsed["verdict"] == "pass") { "json verdict ${parsed["verdict"]}" }
        check((parsed["findings"] as List<*>).size == r.findings.size) { "json findings" }
    }

    test("failing report carries blocking findings and evidence") {
        val r = checkPath(broken)
        check(r.verdict == Verdict.FAIL) { "verdict ${r.verdict}" }
        val f = r.findings.first { it.code == "GD-1-1" && it.outcome == Outcome.FAIL }
        check(f.blocking) { "GD-1-1 not blocking" }
        check(f.evidenceJson.startsWith("{") && f.evidenceJson.length > 2) { f.evidenceJson }
        check(Json.parse(f.evidenceJson) is Map<*, *>) { "evidence is not an object" }
    }

    test("missing path raises Input with code io") {
        try {
            checkPath(File(root, "no/such/record").path)
            throw AssertionError("no exception")
        } catch (e: GuidangException.Input) {
            check(e.code == "io") { e.code }
            check(e.detail.contains("no/such/record")) { e.detail }
            check(e.message.contains("code=io")) { e.message }
        }
    }

    test("unknown scheme raises Config") {
        try {
            Checker(CheckerOptions(scheme = "no-such-scheme"))
            throw AssertionError("no exception")
        } catch (e: GuidangException.Config) {
            check(e.code == "config") { e.code }
        }
    }

    test("bad scheme file raises Schema") {
        val f = File.createTempFile("scheme", ".toml")
        f.writeText("id='x'\nname='x'\nstage='GD'\n[items]\n\"9-9\"='off'\n")
        try {
            Checker(CheckerOptions(scheme = f.path))
            throw AssertionError("no exception")
        } catch (e: GuidangException.Schema) {
            check(e.code == "schema" && e.detail.contains(":5")) { e.detail }
        } finally {
            f.delete()
        }
    }

    test("component without content raises Input invalid_input") {
        try {
            checkRecord(RecordInput(id = "X", components = listOf(ComponentInput(role = "正文"))))
            throw AssertionError("no exception")
        } catch (e: GuidangException.Input) {
            check(e.code == "invalid_input") { e.code }
        }
    }

    test("checker options and listings") {
        val c = Checker(CheckerOptions(scheme = "yj-default"))
        check(c.scheme() == "yj-default") { c.scheme() }
        check(c.checkPath(valid).findings.all { it.code.startsWith("YJ-") }) { "stage" }
        check(catalogue().first().code == "GD-1-1") { "catalogue" }
        check(schemas().contains("dat46-wenshu")) { "schemas" }
        check(schemes() == listOf("gd-default", "yj-default", "bc-default")) { "${schemes()}" }
        check(version().count { it == '.' } == 2) { version() }
    }

    test("one checker shared by many threads") {
        val checker = Checker(CheckerOptions())
        val records = File(root, "fixtures/records").listFiles()!!.filter { it.isDirectory }.sorted()
        // Findings without evidence: evidence may hold timings (inspect_ms).
        fun stable(r: Report) = r.findings.map { listOf(it.code, it.rule, it.outcome.name, it.subject, it.messageEn) }
        val expected = records.associate { it.name to stable(checker.checkPath(it.path)) }
        val pool = Executors.newFixedThreadPool(8)
        try {
            val tasks = (1..4).flatMap { records }.map { d -> Callable { d.name to stable(checker.checkPath(d.path)) } }
            val got = pool.invokeAll(tasks).map { it.get() }
            check(got.size == records.size * 4) { "count" }
            for ((name, findings) in got) check(findings == expected[name]) { "differs: $name" }
        } finally {
            pool.shutdown()
        }
        checker.close()
    }

    test("capturer: receipt, idempotent, conflict, refused with report") {
        val outbox = File.createTempFile("outbox", "").also { it.delete() }
        val changed = File.createTempFile("changed", "").also { it.delete() }
        try {
            File(valid).copyRecursively(changed)
            val md = File(changed, "元数据.xml")
            val title = "关于做好2024年度电子文件归档工作的通知"
            md.writeText(md.readText().replace(title, title + "（修订）"))
            Capturer(outbox.path, CaptureOptions(fsync = false)).use { cap ->
                val r = cap.capturePath(valid)
                check(r.recordId == "BGS-2024-000001" && r.version == 1L) { "$r" }
                check(File(r.packagePath).isFile && r.packageSm3.length == 64) { r.packagePath }
                check(r.report.verdict == Verdict.PASS) { "${r.report.verdict}" }
                val again = cap.capturePath(valid)
                check(again.packageSm3 == r.packageSm3 && again.journalSeq == r.journalSeq) { "not idempotent" }
                check(cap.receipt("BGS-2024-000001")?.packagePath == r.packagePath) { "receipt lookup" }
                check(cap.receipt("never") == null) { "unknown receipt" }
                try {
                    cap.capturePath(changed.path)
                    throw AssertionError("no conflict")
                } catch (e: GuidangException.Conflict) {
                    check(e.code == "conflict" && e.detail.contains("BGS-2024-000001")) { e.detail }
                }
                try {
                    cap.capturePath(broken)
                    throw AssertionError("not refused")
                } catch (e: GuidangException.Refused) {
                    check(e.code == "refused") { e.code }
                    val rep = Json.parse(e.reportJson) as Map<*, *>
                    check(rep["verdict"] == "fail" && e.reportJson.contains("GD-1-1")) { e.reportJson.take(200) }
                }
                val v = verifyPackage(r.packagePath, "YJ", r.packageSm3)
                check(v.stage == "YJ" && v.verdict != Verdict.FAIL) { "${v.verdict} ${v.failedCodes}" }
                val tampered = verifyPackage(r.packagePath, "YJ", "0".repeat(64))
                check("YJ-1-14" in tampered.failedCodes) { "${tampered.failedCodes}" }
                // A 检测方案 and a trust folder by name; the preservation stage.
                val anchors = kotlin.io.path.createTempDirectory("guidang-anchors").toFile()
                try {
                    val bc = verifyPackage(r.packagePath, stage = "BC", scheme = "bc-default", trustDir = anchors.path)
                    check(bc.stage == "BC" && bc.verdict != Verdict.FAIL) { "${bc.verdict} ${bc.failedCodes}" }
                } finally {
                    anchors.deleteRecursively()
                }
                try {
                    verifyPackage(r.packagePath, scheme = "no-such-scheme")
                    throw AssertionError("unknown scheme accepted")
                } catch (e: GuidangException.Config) {
                    check(e.code == "config" && e.detail.contains("no-such-scheme")) { e.detail }
                }
            }
        } finally {
            outbox.deleteRecursively()
            changed.deleteRecursively()
        }
    }

    test("capturer: the clamd option reaches the virus scan (4-2)") {
        val outbox = kotlin.io.path.createTempDirectory("guidang-outbox").toFile()
        try {
            val opts = CaptureOptions(clamd = "unix:" + File(outbox, "no-clamd.sock").path, fsync = false)
            Capturer(outbox.path, opts).use { cap ->
                try {
                    cap.capturePath(valid)
                    throw AssertionError("captured although the configured scanner is unreachable")
                } catch (e: GuidangException.Refused) {
                    check(e.reportJson.contains("GD-4-2") && e.reportJson.contains("scan.unavailable")) { e.reportJson.take(300) }
                }
            }
        } finally {
            outbox.deleteRecursively()
        }
    }

    test("signatures and invoices as JSON") {
        val ofd = File(root, "../shared/corpus/ofd/sign__v4signed.ofd")
        check(ofd.isFile) { "corpus missing: $ofd" }
        val v = Json.parse(verifySignatures(ofd.path, null, listOf())) as Map<*, *>
        check((v["signatures"] as List<*>).isNotEmpty()) { "no signatures found" }
        val inv = Json.parse(extractInvoice(File(root, "fixtures/invoices/normal.xml").path)) as Map<*, *>
        check(inv["number"] is String) { "no invoice number" }
        try {
            extractInvoice(File(root, "fixtures/invoices/no-such.xml").path)
            throw AssertionError("no exception")
        } catch (e: GuidangException.Input) {
            check(e.code == "io") { e.code }
        }
    }

    test("shared scenarios") { scenarios(root) }

    println("kotlin: $passed passed, ${failures.size} failed")
    if (failures.isNotEmpty()) {
        failures.forEach { println("  $it") }
        System.exit(1)
    }
}
