package dev.runex.gateway.overview;

import java.util.Optional;

/** Where the console's overview comes from (see {@link LiveOverview}). */
public interface OverviewSource {
  /** The overview now: of every tenant when {@code tenant} is empty, else of that tenant only. */
  Overview overview(Optional<String> tenant);
}
