//! A quarterly report's text laid out as an A4 PDF, in-process, with `pdf-writer`.
//!
//! The input is the report rendered by the template set's text template (`quarterly.txt`): the
//! PDF's content comes from the same templates as the Markdown and the HTML. Lines starting `# `
//! and `## ` are headings, `! ` a warning (bold), a form feed starts a new page. Text is set in
//! the standard Courier faces (fixed width, so the money columns line up, and no font file to
//! embed), WinAnsi-encoded; every string goes through `pdf-writer`, which escapes it. No creation
//! date is written: the same text gives the same bytes.

mod layout;

pub use layout::{lay_out, Line, Style};

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// A4 in points.
const PAGE: (f32, f32) = (595.0, 842.0);
/// The left and right margin, and the top and bottom one.
const MARGIN: (f32, f32) = (42.0, 48.0);

/// The PDF of `text`; `title` goes in the document's properties and each page's footer.
pub fn render(text: &str, title: &str) -> Vec<u8> {
    let pages = lay_out(text, PAGE.1 - 2.0 * MARGIN.1);
    // Room for the whole document from the start (about twice the text): a growing buffer
    // would hold its old and new copies at once, and room not yet written costs no memory.
    let mut pdf = Pdf::with_capacity(text.len() * 3 + 64 * 1024);
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let page_ids: Vec<Ref> = (0..pages.len() as i32)
        .map(|i| Ref::new(10 + 2 * i))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(pages.len() as i32);
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr("concordat"));
    for (font, base) in [(regular, b"Courier".as_slice()), (bold, b"Courier-Bold")] {
        pdf.type1_font(font)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    let total = pages.len();
    for (n, (lines, id)) in pages.iter().zip(&page_ids).enumerate() {
        let content_id = Ref::new(id.get() + 1);
        let mut page = pdf.page(*id);
        page.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1))
            .parent(tree)
            .contents(content_id);
        page.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        page.finish();
        let footer = format!("{title} · page {} of {total}", n + 1);
        let stream = draw(lines, &footer);
        pdf.stream(content_id, &stream);
    }
    pdf.finish()
}

/// One page's content stream.
fn draw(lines: &[Line], footer: &str) -> Vec<u8> {
    let mut c = Content::new();
    let mut y = PAGE.1 - MARGIN.1;
    for line in lines {
        y -= line.style.advance();
        if line.text.is_empty() {
            continue;
        }
        let font = match line.style {
            Style::Body => Name(b"F1"),
            _ => Name(b"F2"),
        };
        c.begin_text();
        c.set_font(font, line.style.size());
        c.next_line(MARGIN.0, y);
        c.show(Str(&win_ansi(&line.text)));
        c.end_text();
    }
    c.begin_text();
    c.set_font(Name(b"F1"), 7.0);
    c.next_line(MARGIN.0, MARGIN.1 / 2.0);
    c.show(Str(&win_ansi(footer)));
    c.end_text();
    c.finish().to_vec()
}

/// `text` in WinAnsiEncoding (the standard fonts' encoding); a character it lacks becomes `?`.
pub fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' | '\u{a0}'..='\u{ff}' => c as u8,
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pounds_and_dashes_are_in_the_standard_encoding() {
        assert_eq!(win_ansi("£40 — §4·x"), b"\xa340 \x97 \xa74\xb7x".to_vec());
        assert_eq!(win_ansi("日"), b"?".to_vec());
    }

    #[test]
    fn the_same_text_gives_the_same_bytes() {
        let text = "# Title\n\nBody £1.00\n\u{c}\n## Appendix\n";
        let a = render(text, "t");
        assert!(a.starts_with(b"%PDF-"));
        assert_eq!(a, render(text, "t"));
    }
}
