//! Pipelining: several statements sent on one connection before any reply is read.
//!
//! `tokio-postgres` writes a request when its future is first polled and matches
//! replies to requests in order. [`in_order`] polls every future once, first to
//! last, before waiting on any of them, so the requests leave in that order in one
//! batch and the round trips overlap.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::Poll;

/// A boxed statement future borrowing the connection and its parameters.
pub(crate) type Step<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Drives `steps` to completion, polling them in order, and returns their outputs
/// in the same order.
pub(crate) async fn in_order<T>(steps: Vec<Step<'_, T>>) -> Vec<T> {
    let mut slots: Vec<(Step<'_, T>, Option<T>)> = steps.into_iter().map(|s| (s, None)).collect();
    poll_fn(|cx| {
        let mut pending = false;
        for (step, out) in slots.iter_mut() {
            if out.is_none() {
                match step.as_mut().poll(cx) {
                    Poll::Ready(value) => *out = Some(value),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    slots.into_iter().filter_map(|(_, out)| out).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[tokio::test]
    async fn steps_start_in_order_and_outputs_keep_it() {
        let started = Arc::new(Mutex::new(Vec::new()));
        let steps: Vec<Step<'_, usize>> = (0..5usize)
            .map(|i| {
                let started = started.clone();
                Box::pin(async move {
                    started.lock().unwrap().push(i);
                    // Later steps finish first.
                    tokio::time::sleep(std::time::Duration::from_millis(10 - 2 * i as u64)).await;
                    i * 10
                }) as Step<'_, usize>
            })
            .collect();
        assert_eq!(in_order(steps).await, [0, 10, 20, 30, 40]);
        assert_eq!(*started.lock().unwrap(), [0, 1, 2, 3, 4]);
    }
}
