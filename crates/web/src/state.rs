//! What every request shares: the store's handle and the caches of analyses and rendered
//! figures, dropped whenever the data changes (here or in another process).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use vjt_analysis::{Analysis, Options};
use vjt_domain::Lang;
use vjt_service::figures::{FilterError, Filters};
use vjt_service::live::LiveFigures;
use vjt_service::Scope;
use vjt_store::Store;

use crate::error::ApiError;

/// An analysis is made once per scope and filters, and kept until the data changes.
type AnalysisKey = (Scope, Filters);
/// A rendered piece of a page or document (the dashboard's figures, the analysis as JSON), per
/// scope, filters, language and what it is.
type FragmentKey = (Scope, Filters, Lang, &'static str);

struct Inner {
    store: Store,
    /// Every report in memory with the running tallies of recent views: an analysis after a
    /// change reads only what changed. Loaded on first use (or by `warm`).
    /// parking_lot's: a list page waits for it a short while only (`try_lock_for`).
    live: parking_lot::Mutex<Option<LiveFigures>>,
    /// A full reload of the figures, started by a list page that found them too far behind,
    /// is under way.
    reloading: std::sync::atomic::AtomicBool,
    analyses: Mutex<HashMap<AnalysisKey, Arc<Analysis>>>,
    fragments: Mutex<HashMap<FragmentKey, Arc<str>>>,
    /// When the database was last asked whether anything changed, and its answer then.
    stamp: Mutex<(Option<Instant>, String)>,
    /// Moves on every change: what was made from older data is not kept.
    generation: AtomicU64,
    /// One computation per key at a time: readers arriving while it runs wait for its result
    /// instead of each analysing every report again.
    flights: Mutex<HashMap<AnalysisKey, Arc<tokio::sync::Mutex<()>>>>,
    /// Password checks (argon2, tens of milliseconds of CPU each) run a few at a time, so that a
    /// flood of sign-ins cannot take every core from the people already signed in.
    password_checks: Arc<tokio::sync::Semaphore>,
    /// The same for sign-ins from sources with no recent failure, which run at the normal
    /// priority ([`AppState::signing_in`]).
    trusted_checks: Arc<tokio::sync::Semaphore>,
    /// ... on threads of their own at a lower priority, so that when the cores are busy the
    /// pages of people already signed in come first and a sign-in waits a little longer.
    password_desk: PasswordDesk,
}

type PasswordJob = Box<dyn FnOnce() + Send>;

/// Threads that only check passwords, at a lower scheduling priority than the rest of the
/// server. Their own threads, because a thread's priority cannot be raised again once lowered
/// (without privileges), so the shared blocking pool must not be used for this.
struct PasswordDesk {
    jobs: std::sync::mpsc::Sender<PasswordJob>,
    /// How many threads started; with none, checks run on the blocking pool instead.
    threads: usize,
}

/// How much lower: at nice 10 a busy request thread gets about nine tenths of a shared core.
const PASSWORD_NICE: i32 = 10;

impl PasswordDesk {
    fn open(threads: usize) -> PasswordDesk {
        let (sender, receiver) = std::sync::mpsc::channel::<PasswordJob>();
        let receiver = Arc::new(Mutex::new(receiver));
        let mut running = 0;
        for n in 0..threads {
            let receiver = receiver.clone();
            let started = std::thread::Builder::new().name(format!("vjt-passwords-{n}")).spawn(move || {
                lower_this_threads_priority(PASSWORD_NICE);
                loop {
                    // The lock is held only while waiting for the next job, never while running it.
                    let job = match lock(&receiver).recv() {
                        Ok(job) => job,
                        Err(_) => return,
                    };
                    job();
                }
            });
            match started {
                Ok(_) => running += 1,
                Err(e) => tracing::error!(error = %e, "could not start a password-check thread"),
            }
        }
        PasswordDesk { jobs: sender, threads: running }
    }
}

/// Raises the calling thread's nice value (Linux schedules threads one by one).
fn lower_this_threads_priority(nice: i32) {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority with PRIO_PROCESS and the thread's own id changes only this thread's
    // scheduling priority.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, nice);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = nice;
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// The web lists the 500 largest duplicate clusters (the review page shows the first suggested
/// ones among them); the counts cover every cluster.
fn web_options() -> Options {
    Options { clusters: Some(500), ..Options::default() }
}

/// Half the cores (at least one) may hash passwords at once; the rest stay for everyone else.
fn password_check_slots() -> usize {
    std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AppState {
    pub fn new(store: Store) -> Self {
        AppState(Arc::new(Inner {
            store,
            live: parking_lot::Mutex::new(None),
            reloading: std::sync::atomic::AtomicBool::new(false),
            analyses: Mutex::new(HashMap::new()),
            fragments: Mutex::new(HashMap::new()),
            stamp: Mutex::new((None, String::new())),
            generation: AtomicU64::new(0),
            flights: Mutex::new(HashMap::new()),
            password_checks: Arc::new(tokio::sync::Semaphore::new(password_check_slots())),
            trusted_checks: Arc::new(tokio::sync::Semaphore::new(password_check_slots() * 2)),
            password_desk: PasswordDesk::open(password_check_slots()),
        }))
    }

    /// Runs a sign-in from `source` in its turn. A source with a recent failure (a guesser, or
    /// someone mistyping) is served as [`AppState::checking_password`] does, behind everyone
    /// else; any other at the normal priority, a few at a time. Under mixed load the low
    /// priority alone kept honest sign-ins waiting about a second behind the pages.
    pub async fn signing_in<T: Send + 'static>(
        &self,
        source: String,
        work: impl FnOnce(&Store) -> T + Send + 'static,
    ) -> Option<T> {
        let suspect = {
            let source = source.clone();
            // Unknown (the database did not answer) counts as suspect.
            self.blocking(move |s| vjt_service::accounts::is_suspect_source(s, &source)).await.unwrap_or(true)
        };
        if suspect {
            return self.checking_password(work).await;
        }
        let slot = self.0.trusted_checks.clone().acquire_owned();
        let _turn = tokio::time::timeout(Duration::from_secs(5), slot).await.ok()?.ok()?;
        Some(self.blocking(work).await)
    }

    /// Runs work that checks a password (a sign-in, a password change) in its turn, on the
    /// password threads. None when no turn came within a few seconds: the server is too busy
    /// with sign-ins (answered 503, try again).
    pub async fn checking_password<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Store) -> T + Send + 'static,
    ) -> Option<T> {
        let _turn = self.password_check_turn().await?;
        if self.0.password_desk.threads == 0 {
            return Some(self.blocking(work).await);
        }
        let store = self.0.store.clone();
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let job: PasswordJob = Box::new(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&store)));
            let _ = sender.send(result);
        });
        if self.0.password_desk.jobs.send(job).is_err() {
            return None;
        }
        match receiver.await {
            Ok(Ok(value)) => Some(value),
            // A panic in the work is a bug; let it reach the panic handler of this request.
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => None,
        }
    }

    /// A turn to check a password, waiting at most a few seconds; none means the server is too
    /// busy with sign-ins (answered 503, try again).
    async fn password_check_turn(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        let slot = self.0.password_checks.clone().acquire_owned();
        tokio::time::timeout(Duration::from_secs(5), slot).await.ok()?.ok()
    }

    /// Runs blocking work (the store, hashing, rendering) on the blocking pool, never on the
    /// threads that serve requests. Each store call inside borrows a connection only briefly.
    pub async fn blocking<T: Send + 'static>(&self, work: impl FnOnce(&Store) -> T + Send + 'static) -> T {
        let store = self.0.store.clone();
        match tokio::task::spawn_blocking(move || work(&store)).await {
            Ok(value) => value,
            // A panic in the work is a bug; let it reach the panic handler of this request.
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }

    /// Loads the reports and builds the place resolver's index before the first request needs
    /// them (a server start, not a test).
    pub async fn warm(&self) {
        let state = self.clone();
        let loaded = self
            .blocking(move |store| {
                vjt_gazetteer::Gazetteer::embedded().prepare_resolver();
                // Held while loading: a request arriving meanwhile waits for these figures
                // instead of reading every report a second time.
                let mut live = state.0.live.lock();
                if live.is_none() {
                    *live = Some(LiveFigures::load(store, web_options())?);
                }
                Ok::<usize, vjt_store::StoreError>(live.as_ref().map_or(0, LiveFigures::reports))
            })
            .await;
        match loaded {
            Ok(reports) => tracing::info!(reports, "figures loaded"),
            Err(e) => tracing::warn!(error = %e, "figures not loaded yet; the first request will try again"),
        }
    }

    /// A page of the report list (blocking: call on the blocking pool). Without a text search,
    /// the page's ids and the count come from the running figures when they are loaded, free and
    /// cheap to bring up to date, and only that page's reports are read, by id: on PostgreSQL a
    /// count or a newest-first page read from the table steps over every row of an import not yet
    /// committed. Otherwise (and for a text search) the database answers.
    pub fn find_reports(
        &self,
        search: &vjt_store::ReportSearch,
    ) -> Result<vjt_store::ReportPage, vjt_store::StoreError> {
        let store = &self.0.store;
        if search.text.is_none() {
            // Waiting a little for another list page or a submission's catch-up, not behind a
            // long analysis or a reload: the database answers meanwhile.
            if let Some(mut live) = self.0.live.try_lock_for(std::time::Duration::from_millis(50)) {
                if let Some(figures) = live.as_mut() {
                    if figures.catch_up_cheaply(store)? {
                        if let Some((ids, total)) = figures.newest(search) {
                            drop(live);
                            // Checked again as read: a report moved to another organisation since
                            // the last catch-up is not shown to this one.
                            let mut reports = store.reports_by_id(&ids)?;
                            reports.retain(|r| search.organisation.is_none_or(|o| r.report.organisation == o));
                            return Ok(vjt_store::ReportPage { reports, total });
                        }
                    } else {
                        drop(live);
                        self.reload_figures_behind();
                    }
                }
            }
        }
        store.find_reports(search)
    }

    /// Reads every report again for the running figures, once at a time, on the blocking pool.
    /// Without it, after more changes than the database lists (thousands of submissions with no
    /// one looking at the figures), every list page went to the database until someone opened
    /// the dashboard: on PostgreSQL during a large import, 0.4–1.2 s a page.
    fn reload_figures_behind(&self) {
        if self.0.reloading.swap(true, Ordering::SeqCst) {
            return;
        }
        /// Lets the next list page start a reload, however this one ended (a panic included).
        struct Finished(AppState);
        impl Drop for Finished {
            fn drop(&mut self) {
                self.0 .0.reloading.store(false, Ordering::SeqCst);
            }
        }
        let finished = Finished(self.clone());
        let reload = move || {
            let state = &finished.0;
            let mut live = state.0.live.lock();
            if let Some(figures) = live.as_mut() {
                if let Err(e) = figures.catch_up(&state.0.store) {
                    tracing::warn!(error = %e, "figures not read again; the next request will try");
                }
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(reload)),
            // Outside the server (tests calling in directly): at once.
            Err(_) => reload(),
        }
    }

    /// The analysis of a view made now from the running figures (blocking: call on the blocking
    /// pool).
    fn analyse_now(&self, scope: Scope, filters: &Filters) -> Result<Analysis, FilterError> {
        let store = &self.0.store;
        let mut live = self.0.live.lock();
        if live.is_none() {
            *live = Some(LiveFigures::load(store, web_options())?);
        }
        live.as_mut().expect("just loaded").analysis(store, scope, filters)
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }

    fn generation(&self) -> u64 {
        self.0.generation.load(Ordering::SeqCst)
    }

    /// After any change to reports or decisions: analyses and figures must be made again.
    pub fn forget_analyses(&self) {
        self.0.generation.fetch_add(1, Ordering::SeqCst);
        lock(&self.0.analyses).clear();
        lock(&self.0.fragments).clear();
    }

    /// Drops the caches when the database changed behind the server's back (an import from the
    /// command line, a second server); asks (one row) at most four times a second.
    pub async fn notice_outside_changes(&self) {
        let due = lock(&self.0.stamp).0.is_none_or(|t| t.elapsed() >= Duration::from_millis(250));
        if !due {
            return;
        }
        let Ok(now) = self.blocking(|s| s.data_stamp()).await else { return };
        let changed = {
            let mut stamp = lock(&self.0.stamp);
            let changed = stamp.0.is_some() && stamp.1 != now;
            *stamp = (Some(Instant::now()), now);
            changed
        };
        if changed {
            self.forget_analyses();
        }
    }

    /// The analysis of what a scope may see with these filters: from the cache, or made once
    /// however many readers ask at the same time.
    pub async fn analysis(&self, scope: Scope, filters: Filters) -> Result<Arc<Analysis>, ApiErrorOrFilter> {
        self.notice_outside_changes().await;
        let key = (scope, filters);
        if let Some(hit) = lock(&self.0.analyses).get(&key).cloned() {
            return Ok(hit);
        }
        let flight = {
            let mut flights = lock(&self.0.flights);
            if flights.len() > 1024 {
                flights.retain(|_, l| Arc::strong_count(l) > 1);
            }
            flights.entry(key.clone()).or_default().clone()
        };
        let _running = flight.lock_owned().await;
        if let Some(hit) = lock(&self.0.analyses).get(&key).cloned() {
            return Ok(hit);
        }
        let generation = self.generation();
        let (scope, filters) = key.clone();
        let state = self.clone();
        let made = self.blocking(move |_| state.analyse_now(scope, &filters)).await.map_err(ApiErrorOrFilter::from)?;
        let made = Arc::new(made);
        let mut cache = lock(&self.0.analyses);
        // Checked under the cache's lock, which `forget_analyses` also takes after moving the
        // generation: a result made from data that changed meanwhile is not kept.
        if self.generation() == generation {
            // A view's running tally makes it again in milliseconds: a few are enough to keep
            // (each holds every county, place and corridor; hundreds were most of the memory).
            if cache.len() >= 32 {
                cache.clear();
            }
            cache.insert(key, made.clone());
        }
        Ok(made)
    }

    /// A rendered fragment (`what`: which one), made by `make` from the analysis when not cached.
    pub async fn fragment(
        &self,
        scope: Scope,
        filters: Filters,
        lang: Lang,
        what: &'static str,
        make: impl FnOnce(&Analysis) -> String + Send + 'static,
    ) -> Result<Arc<str>, ApiErrorOrFilter> {
        let key = (scope, filters.clone(), lang, what);
        let generation = self.generation();
        let analysis = self.analysis(scope, filters).await?;
        if let Some(hit) = lock(&self.0.fragments).get(&key).cloned() {
            return Ok(hit);
        }
        let made: Arc<str> = self.blocking(move |_| make(&analysis)).await.into();
        let mut cache = lock(&self.0.fragments);
        if self.generation() == generation {
            if cache.len() > 64 {
                cache.clear();
            }
            cache.insert(key, made.clone());
        }
        Ok(made)
    }
}

/// Making an analysis fails on bad filters (the reader's mistake) or on the store.
#[derive(Debug)]
pub enum ApiErrorOrFilter {
    Filter(vjt_domain::Message),
    Server(ApiError),
}

impl From<FilterError> for ApiErrorOrFilter {
    fn from(e: FilterError) -> Self {
        match e {
            FilterError::Invalid { message, .. } => ApiErrorOrFilter::Filter(message),
            FilterError::Store(e) => ApiErrorOrFilter::Server(e.into()),
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn this_threads_nice() -> i32 {
        // SAFETY: getpriority reads the scheduling priority of the calling thread only.
        unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::syscall(libc::SYS_gettid) as libc::id_t) }
    }

    /// A server's state over a database file in a folder of its own (removed by the test).
    fn state_on_a_file(name: &str) -> (AppState, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("vjt-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        (AppState::new(Store::open(dir.join("vjt.db").to_str().unwrap()).unwrap()), dir)
    }

    #[test]
    fn a_list_page_that_finds_the_figures_far_behind_has_them_read_again() {
        let (state, dir) = state_on_a_file("list-reload");
        let store = state.store().clone();
        *state.0.live.lock() = Some(LiveFigures::load(&store, web_options()).unwrap());
        // A change to what every report means: the figures cannot catch up report by report.
        store.set_place_alias("Kwa Mzee", &vjt_domain::PlaceId("ke-county-nairobi".into())).unwrap();
        assert!(!state.0.live.lock().as_mut().unwrap().catch_up_cheaply(&store).unwrap());
        let page = state.find_reports(&vjt_store::ReportSearch { limit: 20, ..Default::default() }).unwrap();
        assert_eq!(page.total, 0, "the database answered this page");
        // No runtime here, so the reload ran at once; in the server it runs beside the page.
        assert!(!state.0.reloading.load(Ordering::SeqCst));
        assert!(
            state.0.live.lock().as_mut().unwrap().catch_up_cheaply(&store).unwrap(),
            "the next list page is answered from the figures"
        );
        drop(state);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn password_checks_run_below_the_priority_of_pages() {
        let (state, dir) = state_on_a_file("password-desk");
        let pages = state.blocking(|_| this_threads_nice()).await;
        let passwords = state.checking_password(|_| this_threads_nice()).await.expect("a turn");
        assert_eq!(passwords, (pages + PASSWORD_NICE).min(19), "pages at {pages}");
        // The desk keeps working after a check that failed half-way.
        let failed = tokio::spawn({
            let state = state.clone();
            async move { state.checking_password(|_| -> i32 { panic!("a bug in a check") }).await }
        })
        .await;
        assert!(failed.is_err(), "the panic reaches the request that caused it");
        assert_eq!(state.checking_password(|_| 7).await, Some(7));
        drop(state);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn sign_ins_wait_behind_pages_only_from_sources_that_failed() {
        let (state, dir) = state_on_a_file("sign-in-priority");
        let pages = state.blocking(|_| this_threads_nice()).await;
        let honest = state.signing_in("10.0.0.1".into(), |_| this_threads_nice()).await.expect("a turn");
        assert_eq!(honest, pages, "no failure from 10.0.0.1 yet");
        // One wrong password from there, for any address: that source's sign-ins go last.
        state.blocking(|s| s.record_sign_in_failure("someone@example.org", "10.0.0.1", None)).await.unwrap();
        let suspect = state.signing_in("10.0.0.1".into(), |_| this_threads_nice()).await.expect("a turn");
        assert_eq!(suspect, (pages + PASSWORD_NICE).min(19));
        let other = state.signing_in("10.0.0.2".into(), |_| this_threads_nice()).await.expect("a turn");
        assert_eq!(other, pages, "another source is not held back");
        drop(state);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
