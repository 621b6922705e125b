"""The page registry: every page of the dashboard, in menu order. app.py builds st.navigation from it,
Home links the steps from it, and the tests open each page from it. One page script per entry under
pages/, its URL its file name (/train, /compare, ...; Home is /)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str  # the file pages/<name>.py, its URL path /<name>, its text keys nav.<name>, home.step.<name>
    icon: str

    @property
    def path(self) -> str:
        return f"pages/{self.name}.py"

    @property
    def title_key(self) -> str:
        return f"nav.{self.name}"


HOME = Page("home", ":material/home:")
PAGES = [
    HOME,
    Page("dataset", ":material/folder_open:"),
    Page("augmentation", ":material/shuffle:"),
    Page("models", ":material/layers:"),
    Page("train", ":material/model_training:"),
    Page("compare", ":material/monitoring:"),
    Page("classify", ":material/image_search:"),
    Page("errors", ":material/troubleshoot:"),
    Page("leaderboard", ":material/leaderboard:"),
]
STEPS = [page for page in PAGES if page is not HOME]  # the walkthrough Home lists, numbered 1..8
