//! "Did you mean …?": the closest known name to a misspelt one, for messages about undefined
//! variables and unknown stage names.

/// Longest name compared; longer names are never close to anything (and keep the distance
/// computation small on hostile input).
const MAX_LEN: usize = 128;

/// The candidate closest to `name`: one that differs only in letter case, else the one with
/// the fewest single-character edits, when that number is small for the name's length (one
/// edit from 3 characters on, two from 6 on). Ties go to the first candidate. `name` itself
/// is never suggested.
pub fn closest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let len = name.chars().count();
    if len > MAX_LEN {
        return None;
    }
    let budget = match len {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    };
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == name || candidate.chars().count() > MAX_LEN {
            continue;
        }
        if candidate.eq_ignore_ascii_case(name) {
            return Some(candidate);
        }
        if budget == 0 {
            continue;
        }
        let d = distance(name, candidate);
        if d <= budget && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance over characters: insertions, deletions, substitutions and swaps of two
/// adjacent characters (`PAHT` is one edit from `PATH`), each counting one.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the dynamic-programming table: i-2, i-1 and i.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 0..a.len() {
        cur[0] = i + 1;
        for j in 0..b.len() {
            let substitution = prev[j] + usize::from(a[i] != b[j]);
            let mut best = substitution.min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                best = best.min(before[j - 1] + 1);
            }
            cur[j + 1] = best;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("", ""), 0);
        assert_eq!(distance("PATH", "PAHT"), 1);
        assert_eq!(distance("builder", "buidler"), 1);
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("ca", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("abc", ""), 3);
    }

    #[test]
    fn closest_prefers_case_then_small_distance() {
        let names = ["NODE_VERSION", "APP_HOME", "node_version"];
        assert_eq!(closest("Node_Version", names), Some("NODE_VERSION"));
        assert_eq!(closest("NODE_VERSON", names), Some("NODE_VERSION"));
        assert_eq!(closest("APP_HOM", names), Some("APP_HOME"));
        assert_eq!(closest("TOTALLY_ELSE", names), None);
    }

    #[test]
    fn short_names_need_an_exact_case_match() {
        assert_eq!(closest("ab", ["ac", "AB"]), Some("AB"));
        assert_eq!(closest("ab", ["ac"]), None);
        assert_eq!(closest("arg", ["arh"]), Some("arh"));
        assert_eq!(closest("arg", ["xyz"]), None);
    }

    #[test]
    fn never_suggests_the_name_itself_and_bounds_length() {
        assert_eq!(closest("PATH", ["PATH"]), None);
        let long = "A".repeat(500);
        assert_eq!(closest(&long, [long.as_str()]), None);
    }
}
