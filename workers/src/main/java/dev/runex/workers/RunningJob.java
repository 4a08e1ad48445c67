package dev.runex.workers;

/**
 * A job whose attempt was started in rewind epoch {@code epoch}. Identity (the record inside is
 * compared by identity) tells its completion apart from one of the same job refetched later.
 */
record RunningJob(FetchedJob fetched, long epoch) {}
