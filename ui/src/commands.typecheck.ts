// Compile-time checks of the command layer, run by `tsc --noEmit` (never bundled: nothing
// imports this file). Each `@ts-expect-error` must stay an error: if a wrong command name or
// payload ever type-checked, tsc would fail on the unused directive.
import { call, codeIs, listenTo } from "./api";

export function wrongCallsFailToCompile(): void {
  // @ts-expect-error: no command is named this (a typo of guest_detail)
  void call("guest_detial", { guestId: "x" });
  // @ts-expect-error: guest_detail takes { guestId }, not { id }
  void call("guest_detail", { id: "x" });
  // @ts-expect-error: guest_detail needs its request
  void call("guest_detail");
  // @ts-expect-error: sign_out takes no request
  void call("sign_out", {});
  void call("guest_detail", { guestId: "x" }).then((g) => {
    // @ts-expect-error: the answer is a GuestDetail, which has no `title`
    console.log(g.title);
  });
  // @ts-expect-error: no event is named this
  void listenTo("bulk-progres", () => undefined);
  // @ts-expect-error: a misspelt error code
  codeIs("x", "outcome_unknwon");
}

export function rightCallsCompile(): void {
  void call("guest_detail", { guestId: "x" }).then((g) => g.firstName);
  void call("sign_out");
  void listenTo("bulk-progress", (s) => {
    console.log(s.progress.jobId);
  });
  codeIs("x", "outcome_unknown");
}
