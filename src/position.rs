//! Source positions in data files; a leaf module that depends on nothing else in the crate.

/// Finds the line and column of a key path (`budget.gesamt.vorjahr`, `ziele.lokal.1.zielwert`)
/// in YAML text, by indentation; best effort for block style, stops at flow collections.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    // (line index, indent, effective key indent, key) of every content line.
    let lines: Vec<(usize, isize, isize, Option<&str>, bool)> = text
        .lines()
        .enumerate()
        .filter_map(|(number, line)| {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                return None;
            }
            let indent = (line.len() - trimmed.len()) as isize;
            let item = trimmed.starts_with("- ") || trimmed == "-";
            let key_part = trimmed.strip_prefix("- ").unwrap_or(trimmed);
            let key_indent = indent + (trimmed.len() - key_part.len()) as isize;
            let key = key_part
                .split_once(':')
                .map(|(k, _)| k.trim().trim_matches(['"', '\'']));
            Some((number, indent, key_indent, key, item))
        })
        .collect();
    if path.is_empty() {
        return Some((1, 1));
    }
    let (mut start, mut end, mut parent) = (0usize, lines.len(), -1isize);
    let mut best = None;
    for segment in path.split('.') {
        let block = lines.get(start..end)?;
        let as_key = block
            .iter()
            .position(|l| l.2 > parent && l.3 == Some(segment))
            .and_then(|index| block.get(index).map(|l| (index, l.2, l.2, false)));
        let found = if as_key.is_some() {
            as_key
        } else if let Ok(wanted) = segment.parse::<usize>() {
            let items: Vec<usize> = block
                .iter()
                .enumerate()
                .filter(|(_, l)| l.4 && l.1 > parent)
                .map(|(i, _)| i)
                .collect();
            let first_indent = items.first().and_then(|i| block.get(*i)).map(|l| l.1);
            let items: Vec<usize> = items
                .into_iter()
                .filter(|i| block.get(*i).map(|l| l.1) == first_indent)
                .collect();
            let index = *items.get(wanted)?;
            let line = block.get(index)?;
            // The item's own line may already hold its first key: keep it in the block.
            Some((index, line.1, line.1, true))
        } else {
            block
                .iter()
                .position(|l| l.2 > parent && l.3 == Some(segment))
                .and_then(|index| block.get(index).map(|l| (index, l.2, l.2, false)))
        };
        // own_indent: a key's column, or an item's dash column; deeper lines belong to it.
        let (index, own_indent, column_indent, is_item) = found?;
        let absolute = start + index;
        let line = lines.get(absolute)?;
        best = Some((line.0 + 1, usize::try_from(column_indent).unwrap_or(0) + 1));
        let block_end = lines
            .iter()
            .enumerate()
            .skip(absolute + 1)
            .find(|(_, l)| l.1 <= own_indent)
            .map_or(end, |(i, _)| i.min(end));
        start = if is_item { absolute } else { absolute + 1 };
        end = block_end;
        parent = own_indent;
    }
    best
}
