// Going to the background without losing errors: the parent process stays
// until the child has mounted (exit 0) or failed (the child's exit code), so
// `aoefs MOUNTPOINT` returns only once the files are there, and a failure
// after the fork is still reported by the command's exit status.
#pragma once

namespace aoefs {

class Background {
 public:
  // Forks. Returns in the child only; the parent waits for report_ready()
  // or the child's exit, then exits with the matching code. Call before any
  // thread is started. On fork failure, returns in the original process
  // (running in the foreground). `keep_stderr`: report_ready() leaves
  // stderr open (no system log would take the lines).
  static Background detach(bool keep_stderr);
  Background() = default;  // foreground: report_ready does nothing

  // Mounted and serving: release the parent (exit 0), detach stdio.
  void report_ready();

 private:
  int ready_fd_ = -1;
  bool keep_stderr_ = false;
};

}  // namespace aoefs
