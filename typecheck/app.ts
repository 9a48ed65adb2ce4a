// typecheck/app.ts: a small program over relorm.typescript's declarations, compiled
// with tsc --strict by scripts/types-test: what the types let an application write
// without casts, and make it check.
import type { UserPosts } from "./UserPosts";
import type { ItemStar } from "./ItemStar";
import type { CategoryTree, CategoryTreeChildren } from "./CategoryTree";
import type { CategoryDepth } from "./CategoryDepth";
import type { UserLatest } from "./UserLatest";
import type { SampleStar } from "./SampleStar";
import type { UserCamel } from "./UserCamel";
import { trees as users } from "./UserPosts";
import { trees as items } from "./ItemStar";
import { trees as categories } from "./CategoryTree";

// a to-one relationship its foreign key guarantees is an object; a nullable one may be null
function bylines(user: UserPosts): string[] {
  return user.posts.map((p) => {
    const editor = p.editor === null ? "nobody" : p.editor.name;
    return `${p.title} by ${p.author.name}, edited by ${editor} (${p.comments.length} comments)`;
  });
}

// polymorphic rows: a union, narrowed by the keys a subtype has
function describe(item: ItemStar): string {
  if ("isbn" in item) return `book ${item.name}: ${item.isbn ?? "no isbn"}, ${item.pages ?? 0} pages`;
  if ("runtime" in item) return `film ${item.name}: ${item.runtime ?? "?"}`;
  return `${item.kind} ${item.name}`;
}

// a recursion: the level's own type, by name
function countTree(nodes: CategoryTreeChildren[]): number {
  return nodes.reduce((n, c) => n + 1 + countTree(c.children), 0);
}
function treeSize(root: CategoryTree): number {
  return 1 + countTree(root.children);
}

// a recursion with a depth: written out, the key there down to the last level
function depthTwo(root: CategoryDepth): number {
  return root.children.reduce((n, c) => n + 1 + c.children.length, 0);
}

// a count is a number; a limit of 1 still an array
function summary(u: UserLatest): string {
  const latest = u.latest.length > 0 ? u.latest[0].title : "none";
  return `${u.name}: ${u.posts} posts (${u.others} others), latest ${latest}`;
}

// numeric values are numbers, or NaN and the infinities as strings
function exact(s: SampleStar): number {
  const v = s.exact;
  if (v === null) return 0;
  if (typeof v === "string") return v === "NaN" ? Number.NaN : v === "Infinity" ? Infinity : -Infinity;
  return v * 2;
}

// key_case => 'camel'
function initials(u: UserCamel): string {
  return (u.firstName ?? "?")[0] + (u.lastName ?? "?")[0];
}

console.log(users.flatMap(bylines), items.map(describe), categories.map(treeSize));
export { depthTwo, summary, exact, initials };
