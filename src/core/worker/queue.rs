//! The triage queue of a tab: which posts wait for an answer, most urgent first. Decided
//! once here; the side panel and Alt+N show it as it comes.

use crate::core::posts::Post;
use crate::core::protocol::{PageSnapshot, QueueRow, QueueView};
use crate::core::triage::TriageReport;

/// Unanswered customer posts, most urgent first; ties go to the older post (it has
/// waited longer).
pub fn waiting(page: &PageSnapshot) -> Vec<(&Post, &TriageReport)> {
    let mut q: Vec<(&Post, &TriageReport)> = page.posts.iter().filter(|p| !page.handled.contains(&p.key)).filter_map(|p| Some((p, page.triage.get(&p.key)?))).collect();
    q.sort_by(|a, b| b.1.priority.cmp(&a.1.priority).then(a.0.created_ms.unwrap_or(i64::MAX).cmp(&b.0.created_ms.unwrap_or(i64::MAX))));
    q
}

/// The panel's list: the queue, then the rest (answered posts and the brand's own) in
/// page order.
pub fn view(page: &PageSnapshot) -> QueueView {
    let queue = waiting(page);
    let queued: std::collections::HashSet<&str> = queue.iter().map(|(p, _)| p.key.as_str()).collect();
    let mut rows: Vec<QueueRow> = queue.iter().map(|&(p, t)| QueueRow { post: p.clone(), triage: Some(t.clone()), answered: false }).collect();
    rows.extend(page.posts.iter().filter(|p| !queued.contains(p.key.as_str())).map(|p| QueueRow { post: p.clone(), triage: None, answered: page.handled.contains(&p.key) }));
    QueueView { url: page.url.clone(), site_name: page.site_name.clone(), status: page.status.clone(), theme: page.theme, rows }
}
