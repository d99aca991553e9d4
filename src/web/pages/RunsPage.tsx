/** The Runs page (issue 11): not built yet. */
export function RunsPage() {
  return (
    <section>
      <h2>Runs</h2>
      <p>Not built yet.</p>
    </section>
  );
}
