// OA integration example (plain Java, no build tool): when the OA workflow finalises a document
// (办结/定稿), hand the record to guidang for instant archiving (即时归档) and keep the receipt.
//
//   javac -cp guidang.jar:/usr/share/java/jna.jar -d out OaArchiver.java
//   java  -cp out:guidang.jar:/usr/share/java/jna.jar OaArchiver <document folder> <outbox>
//
// guidang.jar holds the Kotlin runtime, the generated bindings and the native library, so a Java
// OA system needs only that jar and JNA. Errors are typed: GuidangException.Input, .Conflict,
// .Refused, ... each with getCode() (stable) and getDetail() (readable).
//
// Capture runs the DA/T 70 archiving checks (四性检测), refuses the record if a blocking check
// fails (GuidangException.Refused carries the report), writes the package durably into the outbox
// and returns the receipt. Capturing the same document again returns the same receipt; the same
// document id with different content is a GuidangException.Conflict.

import cn.guidang.CaptureOptions;
import cn.guidang.Capturer;
import cn.guidang.ComponentInput;
import cn.guidang.GuidangException;
import cn.guidang.Outcome;
import cn.guidang.Receipt;
import cn.guidang.RecordInput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

public final class OaArchiver implements AutoCloseable {
    private final Capturer capturer;

    OaArchiver(Path outbox) throws GuidangException {
        // format, schema, scheme, trust_dir, fsync; null = defaults (zip, the record's own schema,
        // gd-default, no trust anchors, fsync on).
        this.capturer = new Capturer(outbox.toString(), new CaptureOptions("zip", null, "gd-default", null, null, null));
    }

    /** Called by the OA workflow engine when a document reaches its final state. */
    Receipt onDocumentFinalised(String docId, String metadataJson, Path mainFile, Path attachment)
            throws GuidangException, IOException {
        ComponentInput main = new ComponentInput("正文", mainFile.getFileName().toString(),
                mainFile.toString(), null, declared(mainFile, "OFD"), null);
        // Attachments often live only in the OA database: pass their bytes.
        byte[] bytes = Files.readAllBytes(attachment);
        ComponentInput att = new ComponentInput("附件", attachment.getFileName().toString(),
                null, bytes, declared(attachment, "PDF"), null);
        RecordInput record = new RecordInput(docId, metadataJson, "dat46-wenshu", List.of(main, att));
        return capturer.captureRecord(record);
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
        capturer.close();
    }

    public static void main(String[] args) throws Exception {
        Path doc = Path.of(args.length > 0 ? args[0] : "fixtures/manifests/valid-wenshu");
        Path outbox = Path.of(args.length > 1 ? args[1] : "target/jvm/outbox");
        String docId = "BGS-2024-000001";
        String metadata = """
            {"聚合层次": "文件",
             "来源": {"档案馆名称": "某市档案馆", "档案馆代码": "433001",
                      "全宗名称": "某市人民政府办公室", "立档单位名称": "某市人民政府办公室"},
             "电子文件号": "BGS-2024-000001",
             "档号": {"#text": "Z109-WS·2024·Y·BGS-0001", "全宗号": "Z109", "年度": "2024",
                      "保管期限": "永久", "机构或问题": "BGS", "室编件号": "1"},
             "内容描述": {"题名": "关于做好2024年度电子文件归档工作的通知", "文件编号": "某政办发〔2024〕1号",
                          "责任者": "某市人民政府办公室", "日期": "20240305", "文种": "通知", "密级": "公开"},
             "形式特征": {"文件组合类型": "组合文件", "件数": "2", "页数": "2", "语种": "汉语", "稿本": "正本"},
             "存储位置": {"当前位置": "."},
             "机构人员实体": {"机构人员类型": "单位", "机构人员名称": "某市人民政府办公室",
                              "组织机构代码": "11330100MB0000000N"},
             "业务实体": [{"业务状态": "历史行为", "业务行为": "签发", "行为时间": "2024-03-04T16:00:00"},
                          {"业务状态": "历史行为", "业务行为": "归档", "行为时间": "2024-03-05T10:00:00"}]}
            """;
        try (OaArchiver archiver = new OaArchiver(outbox)) {
            Receipt r = archiver.onDocumentFinalised(docId, metadata,
                    doc.resolve("正文.ofd"), doc.resolve("附件1.pdf"));
            long passed = r.getReport().getFindings().stream().filter(f -> f.getOutcome() == Outcome.PASS).count();
            System.out.printf("receipt: record=%s version=%d verdict=%s passed=%d package=%s sm3=%s journal=%d%n",
                    r.getRecordId(), r.getVersion(), r.getReport().getVerdict(), passed,
                    r.getPackagePath(), r.getPackageSm3(), r.getJournalSeq());

            // The workflow engine retries the finalisation hook: same document, same receipt.
            Receipt again = archiver.onDocumentFinalised(docId, metadata,
                    doc.resolve("正文.ofd"), doc.resolve("附件1.pdf"));
            System.out.printf("again: same receipt=%b (capture is idempotent)%n",
                    again.getPackageSm3().equals(r.getPackageSm3()));

            // A user edits the title after archiving and finalises again under the same id:
            // a typed exception, not a silent overwrite (use captureRevision for a new version).
            String edited = metadata.replace("归档工作的通知", "归档工作的通知（修订）");
            try {
                archiver.onDocumentFinalised(docId, edited, doc.resolve("正文.ofd"), doc.resolve("附件1.pdf"));
                System.out.println("error: duplicate capture with different content was accepted");
                System.exit(1);
            } catch (GuidangException.Conflict e) {
                System.out.printf("GuidangException.Conflict code=%s detail=%s%n", e.getCode(), e.getDetail());
            }
        }
    }
}
