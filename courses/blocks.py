"""StreamField blocks for course content.

A module is a sequence of screens; each screen holds content blocks. The knowledge check
is marked on the server: its template never renders which options are right, and
`knowledge_check_questions` is the only place that reads them.
"""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_FEATURES = ["h3", "h4", "bold", "italic", "link", "ol", "ul", "blockquote"]


class ImageWithAltBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        help_text="Describe what the image shows for people who cannot see it. Required.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "courses/blocks/image.html"
        label = "Image"


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    video = EmbedBlock(help_text="A link to the video, e.g. on the force's video platform.")
    transcript = blocks.RichTextBlock(
        features=RICH_FEATURES, help_text="A full transcript. Required: not everyone can watch or hear the video."
    )

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"
        label = "Video with transcript"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("support", "Support and wellbeing"), ("signpost", "Signpost"), ("important", "Important")],
        default="signpost",
    )
    heading = blocks.CharBlock(max_length=150)
    body = blocks.RichTextBlock(features=RICH_FEATURES)

    class Meta:
        icon = "help"
        template = "courses/blocks/callout.html"
        label = "Callout or signpost"
        preview_value = {
            "kind": "support",
            "heading": "Support is available",
            "body": "<p>Our staff networks and the wellbeing team can help.</p>",
        }


class ScenarioOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300, label="Option")
    feedback = blocks.RichTextBlock(features=RICH_FEATURES, help_text="What this choice could lead to, and why.")


class ScenarioBlock(blocks.StructBlock):
    """A dilemma: there may be no single right answer, so every option has feedback."""

    heading = blocks.CharBlock(max_length=150)
    situation = blocks.RichTextBlock(features=RICH_FEATURES)
    question = blocks.CharBlock(max_length=300, default="What would you do?")
    options = blocks.ListBlock(ScenarioOptionBlock(), min_num=2)
    debrief = blocks.RichTextBlock(features=RICH_FEATURES, required=False, help_text="Points to take away.")

    class Meta:
        icon = "group"
        template = "courses/blocks/scenario.html"
        label = "Scenario or dilemma"


class AnswerOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300)
    is_correct = blocks.BooleanBlock(required=False, label="Correct answer")


class QuestionBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(max_length=400)
    kind = blocks.ChoiceBlock(
        choices=[("single", "Single choice (one answer)"), ("multiple", "Multiple choice (select all that apply)")],
        default="single",
    )
    options = blocks.ListBlock(AnswerOptionBlock(), min_num=2)
    explanation = blocks.RichTextBlock(
        features=RICH_FEATURES, help_text="Shown after the learner answers, whether right or wrong."
    )

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for option in value["options"] if option["is_correct"])
        if correct == 0:
            raise blocks.StructBlockValidationError(
                block_errors={"options": ValidationError("Mark at least one option as correct.")}
            )
        if value["kind"] == "single" and correct != 1:
            raise blocks.StructBlockValidationError(
                block_errors={"options": ValidationError("A single-choice question needs exactly one correct option.")}
            )
        return value


class KnowledgeCheckBlock(blocks.StructBlock):
    """Questions marked on the server against the module's pass mark."""

    heading = blocks.CharBlock(max_length=150, default="Check your understanding")
    questions = blocks.ListBlock(QuestionBlock(), min_num=1)

    class Meta:
        icon = "tick-inverse"
        template = "courses/blocks/knowledge_check.html"
        label = "Knowledge check"


class ReflectionPromptBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(max_length=400)
    hint = blocks.CharBlock(
        max_length=300, required=False, default="Only you can see what you write here. It is saved to your account."
    )

    class Meta:
        icon = "edit"
        template = "courses/blocks/reflection.html"
        label = "Reflection prompt"


class ResourceBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    document = DocumentChooserBlock()
    description = blocks.CharBlock(max_length=300, required=False)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/resource.html"
        label = "Downloadable resource"


class ScreenContentBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(features=RICH_FEATURES, icon="pilcrow", template="courses/blocks/rich_text.html")
    image = ImageWithAltBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    scenario = ScenarioBlock()
    knowledge_check = KnowledgeCheckBlock()
    reflection = ReflectionPromptBlock()
    resource = ResourceBlock()


class ScreenBlock(blocks.StructBlock):
    """One screen of a module: the learner moves through screens with Next and Previous."""

    title = blocks.CharBlock(max_length=150)
    content = ScreenContentBlock()

    class Meta:
        icon = "doc-empty"
        label = "Screen"


class ModuleBodyBlock(blocks.StreamBlock):
    screen = ScreenBlock()


class CourseOverviewBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(features=RICH_FEATURES, icon="pilcrow", template="courses/blocks/rich_text.html")
    image = ImageWithAltBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    resource = ResourceBlock()


def knowledge_check_questions(body) -> list[dict]:
    """Every question in a module body, in order, with its id and the right option indexes.

    For marking only: the result must never be sent to the browser.
    """
    questions = []
    for screen_index, screen in enumerate(body):
        for child in screen.value["content"]:
            if child.block_type != "knowledge_check":
                continue
            for item in child.value["questions"].bound_blocks:
                question = item.value
                questions.append(
                    {
                        "id": str(item.id),
                        "screen": screen_index + 1,
                        "prompt": question["prompt"],
                        "kind": question["kind"],
                        "options": [option["text"] for option in question["options"]],
                        "correct": {i for i, option in enumerate(question["options"]) if option["is_correct"]},
                        "explanation": question["explanation"],
                    }
                )
    return questions


def module_reflection_prompts(body) -> list[dict]:
    prompts = []
    for screen in body:
        for child in screen.value["content"]:
            if child.block_type == "reflection":
                prompts.append({"id": str(child.id), "prompt": child.value["prompt"]})
    return prompts
