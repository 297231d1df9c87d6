// OA integration example (plain Java, no build tool): when the OA workflow finalises a document
// (办结/定稿), hand the record to guidang for instant archiving (即时归档) and keep the receipt.
//
//   javac -cp guidang.jar:/usr/share/java/jna.jar -d out OaArchiver.java
//   java  -cp out:guidang.jar:/usr/share/java/jna.jar OaArchiver <document folder> <outbox>
//
// guidang.jar holds the Kotlin runtime, the generated bindings and the native library, so a Java
// OA system needs only that jar and JNA. Errors are typed: GuidangException.Input, .Config,
// .Duplicate, ... each with getCode() (stable) and getDetail() (readable).
//
// This version runs the DA/T 70 archiving checks (四性检测) on finalisation; the outbox capture
// (Capturer) is wrapped once it is in the core.

import cn.guidang.Checker;
import cn.guidang.CheckerOptions;
import cn.guidang.ComponentInput;
import cn.guidang.Finding;
import cn.guidang.GuidangException;
import cn.guidang.Outcome;
import cn.guidang.RecordInput;
import cn.guidang.Report;
import cn.guidang.Verdict;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

public final class OaArchiver implements AutoCloseable {
    private final Checker checker;
    private final Path outbox;

    OaArchiver(Path outbox) throws GuidangException {
        // null = defaults: the record's own metadata schema, scheme gd-default.
        this.checker = new Checker(new CheckerOptions(null, "gd-default", null, null, null));
        this.outbox = outbox;
    }

    /** Called by the OA workflow engine when a document reaches its final state. */
    Report onDocumentFinalised(String docId, String metadataJson, Path mainFile, Path attachment)
            throws GuidangException, IOException {
        ComponentInput main = new ComponentInput("正文", mainFile.getFileName().toString(),
                mainFile.toString(), null, declared(mainFile, "OFD"), null);
        // Attachments often live only in the OA database: pass their bytes.
        byte[] bytes = Files.readAllBytes(attachment);
        ComponentInput att = new ComponentInput("附件", attachment.getFileName().toString(),
                null, bytes, declared(attachment, "PDF"), null);
        RecordInput record = new RecordInput(docId, metadataJson, "dat46-wenshu", List.of(main, att));
        Report report = checker.checkRecord(record);
        Files.createDirectories(outbox);
        Files.writeString(outbox.resolve(docId + ".report.json"), report.getJson());
        return report;
    }

    private static Map<String, String> declared(Path file, String format) throws IOException {
        return Map.of(
                "格式信息", format,
                "计算机文件名", file.getFileName().toString(),
                "计算机文件大小", Long.toString(Files.size(file)),
                "文档创建程序", "guidang fixture generator");
    }

    @Override
    public void close() {
        checker.close();
    }

    public static void main(String[] args) throws Exception {
        Path doc = Path.of(args.length > 0 ? args[0] : "fixtures/manifests/valid-wenshu");
        Path outbox = Path.of(args.length > 1 ? args[1] : "target/jvm/outbox");
        String docId = "BGS-2024-000001";
        String metadata = """
            {"电子文件号": "BGS-2024-000001",
             "档号": {"#text": "Z109-WS·2024·Y·BGS-0001", "全宗号": "Z109", "年度": "2024",
                      "保管期限": "永久", "机构或问题": "BGS", "室编件号": "1"},
             "内容描述": {"题名": "关于做好2024年度电子文件归档工作的通知", "文件编号": "某政办发〔2024〕1号",
                          "责任者": "某市人民政府办公室", "日期": "20240305", "文种": "通知", "密级": "公开"},
             "形式特征": {"件数": "2", "页数": "2", "语种": "汉语", "稿本": "正本"},
             "机构人员实体": {"机构人员类型": "单位", "机构人员名称": "某市人民政府办公室"},
             "业务实体": [{"业务状态": "历史行为", "业务行为": "签发", "行为时间": "2024-03-04T16:00:00"},
                          {"业务状态": "历史行为", "业务行为": "归档", "行为时间": "2024-03-05T10:00:00"}]}
            """;
        try (OaArchiver archiver = new OaArchiver(outbox)) {
            Report r = archiver.onDocumentFinalised(docId, metadata,
                    doc.resolve("正文.ofd"), doc.resolve("附件1.pdf"));
            long passed = r.getFindings().stream().filter(f -> f.getOutcome() == Outcome.PASS).count();
            System.out.printf("receipt: record=%s verdict=%s passed=%d failed=%s report=%s%n",
                    r.getId(), r.getVerdict(), passed, r.getFailedCodes(),
                    outbox.resolve(docId + ".report.json"));
            for (Finding f : r.getFindings()) {
                if (f.getOutcome() == Outcome.FAIL) {
                    System.out.printf("  %s %s %s%n", f.getCode(), f.getRule(), f.getMessageZh());
                }
            }
            if (r.getVerdict() == Verdict.FAIL) {
                System.exit(2);
            }
            // A document whose file vanished before archiving: a typed exception, not a finding.
            try {
                archiver.checker.checkPath(doc.resolve("已删除.ofd").toString());
            } catch (GuidangException.Input e) {
                System.out.printf("GuidangException.Input code=%s detail=%s%n", e.getCode(), e.getDetail());
            }
        }
    }
}
