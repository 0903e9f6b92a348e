//! What the measurement examples share: running many independent jobs on a few threads.

use std::sync::{Arc, Mutex};

/// Runs `work` on every job on `threads` threads; results in the jobs' order.
pub fn run_all<J, R>(jobs: Vec<J>, threads: usize, work: fn(J) -> R) -> Vec<R>
where
    J: Send + 'static,
    R: Send + 'static,
{
    let n = jobs.len();
    let queue = Arc::new(Mutex::new(jobs.into_iter().enumerate().collect::<Vec<_>>()));
    let out: Arc<Mutex<Vec<Option<R>>>> = Arc::new(Mutex::new((0..n).map(|_| None).collect()));
    let handles: Vec<_> = (0..threads.max(1))
        .map(|_| {
            let (queue, out) = (queue.clone(), out.clone());
            std::thread::spawn(move || loop {
                let job = queue.lock().unwrap().pop();
                let Some((i, job)) = job else { break };
                let r = work(job);
                out.lock().unwrap()[i] = Some(r);
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let out = Arc::try_unwrap(out).ok().expect("every thread joined").into_inner().unwrap();
    out.into_iter().map(|r| r.expect("every job ran")).collect()
}
