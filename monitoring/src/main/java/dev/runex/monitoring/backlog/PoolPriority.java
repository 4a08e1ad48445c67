package dev.runex.monitoring.backlog;

import dev.runex.schemas.JobPriority;
import dev.runex.schemas.PriorityNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * One backlog: a pool at one priority, i.e. one scheduled topic ({@code scheduled.<pool>}, {@code
 * .high}, {@code .low}). The backlog meters carry it as the tags {@code pool} and {@code priority}.
 */
public record PoolPriority(String pool, JobPriority priority) {
  public PoolPriority {
    Objects.requireNonNull(pool, "pool");
    priority = PriorityNames.effective(priority);
  }

  /** The priority as the {@code priority} tag spells it: high, normal, low. */
  public String priorityName() {
    return PriorityNames.of(priority);
  }

  /** Every priority of every pool, pools in the given order, highest priority first. */
  public static List<PoolPriority> of(Collection<String> pools) {
    List<PoolPriority> out = new ArrayList<>();
    for (String pool : pools) {
      for (JobPriority p : List.of(JobPriority.HIGH, JobPriority.NORMAL, JobPriority.LOW)) {
        out.add(new PoolPriority(pool, p));
      }
    }
    return out;
  }
}
