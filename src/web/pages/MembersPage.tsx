/** The Members page (issue 11): not built yet. */
export function MembersPage() {
  return (
    <section>
      <h2>Members</h2>
      <p>Not built yet.</p>
    </section>
  );
}
