//! Text normalisation and string distance shared by vocabulary parsing and (later) place resolution.

/// Text keys (names, spellings, place ids) and what they stand for. ahash rather than std's
/// SipHash: an import looks several of these up in every row, and SipHash was most of each
/// look-up's work.
pub type TextMap<V> = std::collections::HashMap<String, V, ahash::RandomState>;

/// The most of a value that a message repeats back to the person who typed it.
pub const SHOWN_CHARS: usize = 80;

/// A value as a message may repeat it (a page, the command line, a file of problems): at most
/// [`SHOWN_CHARS`] characters, then "…", and control characters written out as `\u{1b}`, so
/// that a 50 MB cell is not echoed whole and a file cannot drive the terminal it is read on.
pub fn shown(value: &str) -> String {
    let mut out = String::with_capacity(value.len().min(SHOWN_CHARS * 4));
    let mut written = 0;
    for c in value.chars() {
        let piece = if c.is_control() { c.escape_unicode().to_string() } else { c.to_string() };
        let n = piece.chars().count();
        if written + n > SHOWN_CHARS {
            out.push('…');
            break;
        }
        out.push_str(&piece);
        written += n;
    }
    out
}

/// Text for a terminal: control characters (other than line breaks and tabs) written out as
/// `\u{1b}`, so that names read from a file cannot move the cursor, recolour or retitle it.
pub fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| if unsafe_char(c) { c.escape_unicode().to_string() } else { c.to_string() })
        .collect::<String>()
        .into()
}

/// `text.trim()`, answered at once for what most cells are: text that starts and ends with a
/// visible ASCII character. An import trims fifty cells and items a row, and the general trim
/// decodes characters from both ends to test each for Unicode white space.
pub fn trimmed(text: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|b| (b'!'..=b'~').contains(b));
    if visible(text.as_bytes().first()) && visible(text.as_bytes().last()) {
        text
    } else {
        text.trim()
    }
}

/// Folds text to a comparison key: lower case, Latin accents removed, every run of punctuation or
/// white space turned into one space, trimmed. "Kazi-za  Nyumbani!" and "kazi za nyumbani" share a key.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// [`fold`], written into `out` (emptied first), for callers folding many texts in turn.
pub fn fold_into(text: &str, out: &mut String) {
    out.clear();
    if text.is_ascii() {
        fold_ascii(text, out);
    } else {
        fold_chars(text, out);
    }
}

fn fold_chars(text: &str, out: &mut String) {
    let mut pending_space = false;
    for ch in text.chars() {
        let ch = strip_accent(ch);
        if ch.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            // Strip again after lower-casing: some capitals (the Ångström sign) lower-case to an
            // accented letter.
            for lower in ch.to_lowercase() {
                out.push(strip_accent(lower));
            }
        } else if ch == '\'' || ch == '\u{2019}' {
            // Apostrophes join: "Murang'a" and "Muranga" must meet.
        } else {
            pending_space = true;
        }
    }
}

/// [`fold`] for ASCII text, byte by byte: most cells are plain ASCII, and decoding each one
/// as characters and lower-casing through Unicode's tables was a tenth of an import's reading.
fn fold_ascii(text: &str, out: &mut String) {
    let mut pending_space = false;
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(char::from(b.to_ascii_lowercase()));
        } else if b != b'\'' {
            pending_space = true;
        }
    }
}

/// The accents that occur in place names and labels this project meets; anything else passes through.
fn strip_accent(ch: char) -> char {
    match ch {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' => 'A',
        'ç' | 'č' => 'c',
        'Ç' | 'Č' => 'C',
        'è' | 'é' | 'ê' | 'ë' | 'ē' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' => 'E',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => 'I',
        'ñ' => 'n',
        'Ñ' => 'N',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' => 'O',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' => 'U',
        'ý' | 'ÿ' => 'y',
        'Ý' => 'Y',
        'š' => 's',
        'Š' => 'S',
        'ž' => 'z',
        'Ž' => 'Z',
        _ => ch,
    }
}

/// Optimal-string-alignment distance (Damerau-Levenshtein with adjacent transpositions), counted in
/// characters. Typos in hand-typed names are mostly one slip or one swapped pair.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.is_empty() {
        return b.len();
    }
    if b.is_empty() {
        return a.len();
    }
    let width = b.len() + 1;
    // Three rolling rows: two back is needed for transpositions.
    let mut before: Vec<usize> = vec![0; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            cur[j] = best;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Up to `limit` candidates closest to `input` (by folded edit distance), for "did you mean" hints.
/// Candidates further away than half their own length are not suggestions, just noise.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>, limit: usize) -> Vec<&'a str> {
    let key = fold(input);
    let mut scored: Vec<(usize, &'a str)> = candidates
        .into_iter()
        .map(|c| (edit_distance(&key, &fold(c)), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 2).max(2))
        .collect();
    scored.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(y.1)));
    scored.dedup_by(|x, y| x.1 == y.1);
    scored.into_iter().take(limit).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimmed_is_trim() {
        for text in [
            "",
            " ",
            "x",
            "Nairobi",
            " Nairobi",
            "Nairobi\t",
            "\u{A0}Kisumu\u{A0}",
            "\u{3000}Kampala",
            "Éldoret",
            "Thika ",
            "B-0\r\n",
            "\u{2028}Juba",
        ] {
            assert_eq!(trimmed(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn fold_joins_case_accents_and_punctuation() {
        assert_eq!(fold("  Kazi-za  NYUMBANI! "), "kazi za nyumbani");
        assert_eq!(fold("Murang'a"), "muranga");
        assert_eq!(fold("Beyrouth, Liban"), "beyrouth liban");
        assert_eq!(fold("Café_Über"), "cafe uber");
        assert_eq!(fold("--"), "");
        assert_eq!(fold("\u{212B}"), "a", "the Ångström sign folds like Å");
        // The ASCII path and the general one agree, on every ASCII character and around each.
        let every: String = (0u8..128).map(char::from).collect();
        let both = |text: &str| {
            let (mut ascii, mut chars) = (String::from("left over"), String::new());
            fold_into(text, &mut ascii);
            fold_chars(text, &mut chars);
            (ascii, chars)
        };
        for text in [every.as_str(), "  Kazi-za  NYUMBANI! ", "Murang'a", "O'Brien--St. 12_b", "'", "a'  'b"] {
            let (ascii, chars) = both(text);
            assert_eq!(ascii, chars, "{text:?}");
        }
        for b in 0u8..128 {
            let text = format!("a{}b", char::from(b));
            let (ascii, chars) = both(&text);
            assert_eq!(ascii, chars, "{text:?}");
        }
    }

    #[test]
    fn edit_distance_counts_slips_and_swaps() {
        assert_eq!(edit_distance("nairobi", "nairobi"), 0);
        assert_eq!(edit_distance("nairobi", "nairbi"), 1);
        assert_eq!(edit_distance("nairobi", "naiorbi"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn closest_ranks_by_distance_and_drops_noise() {
        let codes = ["forced_labour", "forced_marriage", "sexual_exploitation"];
        assert_eq!(closest("forced labor", codes, 3)[0], "forced_labour");
        assert!(closest("qqqqqqqqqqqqqqqqqqqqq", codes, 3).is_empty());
    }

    #[test]
    fn values_are_shown_short_and_without_control_characters() {
        let long = "x".repeat(50_000_000);
        let s = shown(&long);
        assert_eq!(s.chars().count(), SHOWN_CHARS + 1);
        assert!(s.ends_with('…'));
        assert_eq!(shown("Nairobi\u{1b}]0;owned\u{7}"), "Nairobi\\u{1b}]0;owned\\u{7}");
        assert_eq!(for_terminal("a\nb\tc\u{1b}[2J"), "a\nb\tc\\u{1b}[2J");
        assert!(matches!(for_terminal("plain"), std::borrow::Cow::Borrowed(_)));
    }
}
