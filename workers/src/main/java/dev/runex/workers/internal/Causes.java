package dev.runex.workers.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** A throwable's cause chain, for classifiers that look through wrappers. */
public final class Causes {
  private Causes() {}

  /** {@code e}, its cause, that one's cause and so on, each once (a cause cycle ends the list). */
  public static List<Throwable> chain(Throwable e) {
    List<Throwable> chain = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }
}
