//! Customer-based rates over a series of buckets: repeat purchase,
//! returning customers and churn, rolled up one customer at a time.
//!
//! The store reads, per customer, the bucket of each order (one pass over
//! the orders in customer order); the rules of who counts where live here.

use super::{CxMetric, Tally};

/// A bucket's customer counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CustomerTally {
    /// Customers in the bucket's base: an order in the bucket (through the
    /// filtered channel, when there is a filter).
    pub active: i64,
    /// Of those, customers with two or more orders in the bucket.
    pub repeaters: i64,
    /// Of those, customers whose first order ever is before the bucket.
    pub returners: i64,
    /// Customers in the previous bucket's base.
    pub previous_active: i64,
    /// Of those, customers with no order at all in this bucket.
    pub lost: i64,
}

/// Per-bucket customer counts, filled one customer at a time.
#[derive(Clone, Debug)]
pub struct CustomerRollup {
    buckets: Vec<CustomerTally>,
}

impl CustomerRollup {
    pub fn new(buckets: usize) -> CustomerRollup {
        CustomerRollup {
            buckets: vec![CustomerTally::default(); buckets],
        }
    }

    /// Adds one customer.
    ///
    /// - `orders`: the bucket of each of their orders from the period before
    ///   the first bucket on (−1 is that period), in any order;
    /// - `ordered_before`: whether they also ordered before that period;
    /// - `cohort`: the buckets of the orders that put them in a bucket's base:
    ///   the orders through the filtered channel, or all of them.
    pub fn add(&mut self, orders: &mut [i64], ordered_before: bool, cohort: &mut [i64]) {
        orders.sort_unstable();
        cohort.sort_unstable();
        let n = self.buckets.len() as i64;
        let first = if ordered_before {
            i64::MIN
        } else {
            orders.first().copied().unwrap_or(i64::MAX)
        };
        let orders_in =
            |j: i64| orders.partition_point(|&b| b <= j) - orders.partition_point(|&b| b < j);
        let mut last = None;
        for &j in cohort.iter() {
            if last == Some(j) {
                continue;
            }
            last = Some(j);
            if (0..n).contains(&j) {
                let tally = &mut self.buckets[j as usize];
                tally.active += 1;
                tally.repeaters += i64::from(orders_in(j) >= 2);
                tally.returners += i64::from(first < j);
            }
            if (0..n).contains(&(j + 1)) {
                let tally = &mut self.buckets[(j + 1) as usize];
                tally.previous_active += 1;
                tally.lost += i64::from(orders_in(j + 1) == 0);
            }
        }
    }

    pub fn counts(&self, j: usize) -> CustomerTally {
        self.buckets[j]
    }

    /// Bucket `j`'s tally for a customer rate; `None` for metrics not rolled up here.
    pub fn tally(&self, metric: CxMetric, j: usize) -> Option<Tally> {
        let c = self.buckets[j];
        let (base, hits) = match metric {
            CxMetric::RepeatPurchaseRate => (c.active, c.repeaters),
            CxMetric::ReturningCustomerRate => (c.active, c.returners),
            CxMetric::ChurnRate => (c.previous_active, c.lost),
            _ => return None,
        };
        Some(Tally {
            base,
            hits,
            ..Tally::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(rollup: &mut CustomerRollup, orders: &[i64], before: bool) {
        let mut all = orders.to_vec();
        rollup.add(&mut all.clone(), before, &mut all);
    }

    #[test]
    fn one_customer_is_followed_bucket_by_bucket() {
        // Orders in the period before, twice in bucket 0, none in 1, once in 2.
        let mut r = CustomerRollup::new(3);
        add(&mut r, &[0, -1, 2, 0], false);
        let (b0, b1, b2) = (r.counts(0), r.counts(1), r.counts(2));
        assert_eq!(
            b0,
            CustomerTally {
                active: 1,
                repeaters: 1,
                returners: 1,
                previous_active: 1,
                lost: 0
            }
        );
        assert_eq!(
            b1,
            CustomerTally {
                active: 0,
                repeaters: 0,
                returners: 0,
                previous_active: 1,
                lost: 1
            }
        );
        assert_eq!(
            b2,
            CustomerTally {
                active: 1,
                repeaters: 0,
                returners: 1,
                previous_active: 0,
                lost: 0
            }
        );
    }

    #[test]
    fn a_first_order_in_the_bucket_is_not_returning() {
        let mut r = CustomerRollup::new(2);
        add(&mut r, &[0], false);
        assert_eq!(r.counts(0).returners, 0);
        // The same customer with an order before the series is returning.
        add(&mut r, &[0], true);
        assert_eq!((r.counts(0).active, r.counts(0).returners), (2, 1));
    }

    #[test]
    fn the_cohort_picks_the_base_and_all_orders_decide_the_outcome() {
        // Through the channel only in bucket 0; through another channel in 1.
        let mut r = CustomerRollup::new(2);
        r.add(&mut [0, 1], false, &mut [0]);
        assert_eq!(r.counts(0).active, 1);
        assert_eq!(
            r.counts(1).active,
            0,
            "bucket 1's order was another channel"
        );
        assert_eq!(
            (r.counts(1).previous_active, r.counts(1).lost),
            (1, 0),
            "ordering through another channel is not churning"
        );
    }

    #[test]
    fn tallies_pick_base_and_hits() {
        let mut r = CustomerRollup::new(1);
        add(&mut r, &[-1], false);
        add(&mut r, &[-1, 0], false);
        add(&mut r, &[0, 0], false);
        let churn = r.tally(CxMetric::ChurnRate, 0).unwrap();
        assert_eq!((churn.base, churn.hits), (2, 1));
        let repeat = r.tally(CxMetric::RepeatPurchaseRate, 0).unwrap();
        assert_eq!((repeat.base, repeat.hits), (2, 1));
        let returning = r.tally(CxMetric::ReturningCustomerRate, 0).unwrap();
        assert_eq!((returning.base, returning.hits), (2, 1));
        assert!(r.tally(CxMetric::Nps, 0).is_none());
    }
}
