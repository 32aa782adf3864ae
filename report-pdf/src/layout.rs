//! Breaking the report's text into styled lines and pages: long lines wrap at a word, keeping
//! their indent; a form feed ends the page.

/// How a line is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Title,
    Heading,
    Warning,
    Body,
}

impl Style {
    /// The font size, in points.
    pub fn size(self) -> f32 {
        match self {
            Style::Title => 13.0,
            Style::Heading => 10.0,
            Style::Warning | Style::Body => 8.0,
        }
    }

    /// The vertical space the line takes.
    pub fn advance(self) -> f32 {
        self.size() * 1.35
    }

    /// How many characters fit across the page (Courier is 0.6 em wide).
    fn width(self) -> usize {
        (511.0 / (self.size() * 0.6)) as usize
    }
}

/// One line as set.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub style: Style,
}

/// `text` as pages of lines, each page at most `height` points tall.
pub fn lay_out(text: &str, height: f32) -> Vec<Vec<Line>> {
    let mut pages = vec![Vec::new()];
    let mut used = 0.0;
    for raw in text.split('\n') {
        if raw.trim_matches(' ') == "\u{c}" {
            pages.push(Vec::new());
            used = 0.0;
            continue;
        }
        let (style, body) = if let Some(t) = raw.strip_prefix("# ") {
            (Style::Title, t)
        } else if let Some(t) = raw.strip_prefix("## ") {
            (Style::Heading, t)
        } else if let Some(t) = raw.strip_prefix("! ") {
            (Style::Warning, t)
        } else {
            (Style::Body, raw)
        };
        for text in wrap(body, style.width()) {
            if used + style.advance() > height && !pages.last().is_some_and(Vec::is_empty) {
                pages.push(Vec::new());
                used = 0.0;
            }
            used += style.advance();
            pages
                .last_mut()
                .expect("one page at least")
                .push(Line { text, style });
        }
    }
    pages.retain(|p| p.iter().any(|l| !l.text.is_empty()));
    if pages.is_empty() {
        pages.push(Vec::new());
    }
    pages
}

/// `line` broken at spaces into pieces of at most `width` characters, continuation lines indented
/// as the first (a word longer than the line is cut).
fn wrap(line: &str, width: usize) -> Vec<String> {
    // A line that fits keeps its spacing: the money columns are aligned with spaces.
    if line.chars().count() <= width {
        return vec![line.to_string()];
    }
    let indent: String = line.chars().take_while(|c| *c == ' ').collect();
    let mut out = Vec::new();
    let mut current = indent.clone();
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let fits = current.chars().count() + word.chars().count() < width;
        if current.trim().is_empty() || fits {
            if !current.trim().is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        } else {
            out.push(std::mem::replace(&mut current, format!("{indent}{word}")));
        }
        while current.chars().count() > width {
            let head: String = current.chars().take(width).collect();
            let rest: String = current.chars().skip(width).collect();
            out.push(head);
            current = format!("{indent}{rest}");
        }
    }
    out.push(current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_at_words_keeping_the_indent() {
        assert_eq!(wrap("  aaa bbb ccc", 9), ["  aaa bbb", "  ccc"]);
        assert_eq!(wrap("", 9), [""]);
        assert_eq!(wrap("a    b", 9), ["a    b"]);
        assert_eq!(wrap("abcdefghijk", 5), ["abcde", "fghij", "k"]);
    }

    #[test]
    fn form_feeds_and_full_pages_start_new_pages() {
        let pages = lay_out("# T\nx\n\u{c}\n## H\ny", 1000.0);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0][0].style, Style::Title);
        assert_eq!(pages[1][0].text, "H");
        let many = "line\n".repeat(200);
        assert!(lay_out(&many, 500.0).len() > 1);
    }
}
