//! Fixtures generated at test time (nothing binary is committed): minimal OFD packages, zips,
//! and the EICAR test string assembled from two halves.
#![allow(dead_code)]

use std::io::{Cursor, Write};

/// The EICAR anti-virus test string, assembled at run time.
pub fn eicar() -> Vec<u8> {
    let a = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD";
    let b = "-ANTIVIRUS-TEST-FILE!$H+H*";
    format!("{a}{b}").into_bytes()
}

/// A zip of `entries` (deflated).
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub const NS: &str = "http://www.ofdspec.org/2016";

/// OFD.xml with a DocType.
pub fn ofd_xml(doctype: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.2" DocType="{doctype}"><ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#
    )
}

/// Document.xml with one page and `extra` children (e.g. attachments, permissions).
pub fn document_xml(extra: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>3</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>{extra}</ofd:Document>"#
    )
}

pub fn page_xml() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="2"><ofd:TextObject ID="3" Boundary="0 0 10 10"><ofd:TextCode X="0" Y="5">hi</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>"#
    )
}

/// A minimal valid OFD with an optional attachment.
pub fn ofd(doctype: &str, attachment: Option<(&str, &[u8])>, doc_extra: &str) -> Vec<u8> {
    let ofd = ofd_xml(doctype);
    let page = page_xml();
    match attachment {
        None => {
            let doc = document_xml(doc_extra);
            zip(&[
                ("OFD.xml", ofd.as_bytes()),
                ("Doc_0/Document.xml", doc.as_bytes()),
                ("Doc_0/Pages/Page_0/Content.xml", page.as_bytes()),
            ])
        }
        Some((name, data)) => {
            let doc = document_xml(&format!(
                "<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>{doc_extra}"
            ));
            let list = format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Attachments xmlns:ofd="{NS}"><ofd:Attachment ID="1" Name="{name}"><ofd:FileLoc>{name}</ofd:FileLoc></ofd:Attachment></ofd:Attachments>"#
            );
            let path = format!("Doc_0/Attachs/{name}");
            zip(&[
                ("OFD.xml", ofd.as_bytes()),
                ("Doc_0/Document.xml", doc.as_bytes()),
                ("Doc_0/Pages/Page_0/Content.xml", page.as_bytes()),
                ("Doc_0/Attachs/Attachments.xml", list.as_bytes()),
                (path.as_str(), data),
            ])
        }
    }
}
