/** The Me page (issue 11): not built yet. */
export function MePage() {
  return (
    <section>
      <h2>Me</h2>
      <p>Not built yet.</p>
    </section>
  );
}
