"""Moral Courage (Fairness & Belonging paper, paragraphs 37 to 40): three topic areas,
creating the right team environment, behaving as a role model, and leading inclusively
and challenging behaviour, rolled out in three stages."""

from .markup import SUPPORT, h3, ol, p, ul

MORAL_COURAGE_PROGRAMME = {
    "slug": "moral-courage",
    "title": "Moral Courage",
    "intro": (
        "A leadership programme from the Belonging section of our Leadership Framework, meeting the "
        "competencies of Inclusive Leadership and Building Trust and Engagement. It is rolled out in stages "
        "until everyone in the force has taken part."
    ),
    "topic": "moral-courage",
    "body": [
        (
            "text",
            h3("Three topic areas")
            + ul(
                "Creating the right team environment.",
                "Behaving as a role model.",
                "Leading inclusively, and challenging behaviour that goes against it.",
            )
            + h3("Three stages")
            + ul(
                "Stage 1: blended learning for all first line leaders, online modules and a face-to-face session.",
                "Stage 2: Moral Courage XXL, an event for senior leaders.",
                "Stage 3: an online package for all employees.",
            )
            + p(
                "The programme is evaluated, and it does not end on the last day: a schedule of guided "
                "reflection follows it, so that what you learn turns into what you do."
            ),
        ),
    ],
}

TEAM_ENVIRONMENT = {
    "slug": "creating-the-right-team-environment",
    "title": "Creating the right team environment",
    "summary": "What belonging looks like in a police team, and how a first line leader builds it.",
    "minutes": 35,
    "screens": [
        (
            "Why the team environment matters",
            [
                (
                    "text",
                    p(
                        "As a first line leader you have more influence on how people experience the force than "
                        "anyone else. Most officers and staff will judge whether they belong here by what happens "
                        "on their team: who is listened to in the briefing, who gets the interesting jobs, what "
                        "is laughed at in the van, and what happens when someone raises a concern.",
                        "The force's Fairness and Belonging work found that people from under-represented groups "
                        "are more likely to leave early in their careers. Exit conversations often point to the "
                        "same things: feeling like an outsider, jokes that were not really jokes, and a sense "
                        "that speaking up would make things worse. A team environment is not background: it is "
                        "one of the main reasons people stay or go.",
                        "This module looks at what a good team environment is, how you can tell whether yours has "
                        "one, and the everyday things you can do to build it.",
                    ),
                ),
                (
                    "callout",
                    "signpost",
                    "By the end of this module you will be able to",
                    ul(
                        "Describe what belonging and psychological safety look like in a police team.",
                        "Recognise early signs that someone does not feel part of the team.",
                        "Use routine moments (briefings, allocation, debriefs) to include everyone.",
                    ),
                ),
            ],
        ),
        (
            "Belonging and psychological safety",
            [
                (
                    "text",
                    p(
                        "Psychological safety is the shared belief that it is safe to speak up in a team: to ask "
                        "a question, admit a mistake, offer an idea or challenge a decision without being "
                        "embarrassed or punished for it. The idea comes from research by Professor Amy "
                        "Edmondson, who found that the best teams were not the ones that made fewer mistakes but "
                        "the ones that felt able to talk about them.",
                        "In policing this matters for safety as well as wellbeing. A student officer who does not "
                        'feel able to say "I\'m not sure that search was lawful" or a call handler who will not '
                        "question a grading is a risk to the public and to the force.",
                        "Belonging goes one step further: people feel they are accepted as themselves, not in "
                        "spite of who they are. It does not mean everyone has to be the same or socialise "
                        "together. It means nobody has to hide part of themselves to be treated as a full member "
                        "of the team.",
                    ),
                ),
                (
                    "text",
                    h3("Signs to look out for")
                    + ul(
                        "The same few voices always speak in briefings and debriefs.",
                        "Someone is regularly left out of refs, lifts or informal chats.",
                        "Nicknames or 'banter' aimed at someone's accent, faith, size, sexuality or background.",
                        "People check what you think before they give their view.",
                        "Mistakes are hidden rather than talked about.",
                    ),
                ),
            ],
        ),
        (
            "A dilemma: the team group chat",
            [
                (
                    "scenario",
                    "The team group chat",
                    p(
                        "Your response team has a messaging group that started for swapping shifts. Lately it has "
                        "filled with memes. Tonight someone posts a clip mocking an accent, captioned with the "
                        "name of a new PCSO on the team who speaks English as a second language. Several people "
                        "react with laughing faces. The PCSO is in the group and has not replied.",
                    ),
                    "What would you do?",
                    [
                        (
                            "Leave it: it is off duty and on a private group.",
                            p(
                                "Messages between colleagues about a colleague are covered by the Standards of "
                                "Professional Behaviour whether or not you are on duty, and the PCSO will read "
                                "your silence as agreement. Misconduct cases have followed from exactly this kind "
                                "of group. Leaving it is the option most likely to harm the PCSO and the team.",
                            ),
                        ),
                        (
                            "Post in the group that it is not acceptable and ask for it to be taken down.",
                            p(
                                "This shows everyone, including the PCSO, where the line is. Keep it short and "
                                'about the behaviour, not the person: "This isn\'t OK, please take it down." '
                                "Follow it up: speak to the person who posted it, and check in privately with the "
                                "PCSO. Think about whether it needs to be reported, especially if it is not the "
                                "first time.",
                            ),
                        ),
                        (
                            "Message the PCSO privately to check they are all right, and deal with the rest later.",
                            p(
                                "Checking in shows care and is worth doing, but on its own it leaves the message "
                                "in place and the team's norm unchanged. Ask the PCSO what they would find "
                                "helpful, and still address the behaviour with the group.",
                            ),
                        ),
                    ],
                    p(
                        "The standard you walk past is the standard you accept. As the leader, how you respond in "
                        "the first few minutes sets the norm for the whole team. Support the person affected, "
                        "address the behaviour, and report it where it may be misconduct."
                    ),
                ),
            ],
        ),
        (
            "Everyday habits that include everyone",
            [
                (
                    "text",
                    p(
                        "You do not need a special event to build a good team environment. Most of it happens in "
                        "routine moments that you already run.",
                    )
                    + ul(
                        "Briefings: ask quieter colleagues for their view first, before the most experienced "
                        "voices set the direction.",
                        "Allocation: keep an eye on who gets the developmental jobs and who always gets the "
                        "scene guard. Over a month, is it fair?",
                        "Debriefs: start with what went well and what we would do differently, including you. "
                        "When a leader admits a mistake it becomes safe for others to do the same.",
                        'One-to-ones: ask "What would make this a better team to work in?" and act on at least '
                        "one answer.",
                        "Names and faith: learn to pronounce names properly and know when colleagues may need "
                        "flexibility, for example during Ramadan or for religious festivals.",
                    ),
                ),
                ("reflect", "Think of your last three briefings. Whose voices were heard, and whose were not?"),
                SUPPORT,
            ],
        ),
        (
            "Check your understanding",
            [
                (
                    "check",
                    [
                        (
                            "What does psychological safety in a team mean?",
                            "single",
                            [
                                ("Nobody ever disagrees in the team.", False),
                                (
                                    "People believe they can speak up, ask questions or admit mistakes without "
                                    "being embarrassed or punished.",
                                    True,
                                ),
                                ("The team is protected from complaints by the public.", False),
                            ],
                            p(
                                "Psychological safety is about being able to speak up. Good teams still disagree; "
                                "they are able to do it openly."
                            ),
                        ),
                        (
                            "Which of these could be early signs that someone does not feel they belong?",
                            "multiple",
                            [
                                ("They are regularly left out of informal chats and refs.", True),
                                ("A nickname about their background is used by the team.", True),
                                ("They ask questions in briefings.", False),
                                ("They rarely give a view until they know what the sergeant thinks.", True),
                            ],
                            p(
                                "Exclusion, 'banter' about someone's background and people holding back their "
                                "views are all warning signs. Asking questions is a sign of a healthy team."
                            ),
                        ),
                        (
                            "Offensive messages about a colleague are posted in a private team chat outside work. "
                            "Are they covered by the Standards of Professional Behaviour?",
                            "single",
                            [
                                ("No, private messages off duty are not covered.", False),
                                ("Only if a member of the public sees them.", False),
                                ("Yes, the standards apply to conduct off duty too.", True),
                            ],
                            p(
                                "The Standards of Professional Behaviour apply on and off duty, including on "
                                "social media and messaging apps. Police staff have equivalent standards."
                            ),
                        ),
                    ],
                ),
            ],
        ),
    ],
}

ROLE_MODEL = {
    "slug": "behaving-as-a-role-model",
    "title": "Behaving as a role model",
    "summary": "Your team copies what you do more than what you say. Setting the standard in small moments.",
    "minutes": 30,
    "screens": [
        (
            "People copy what leaders do",
            [
                (
                    "text",
                    p(
                        "Your team learns what is really expected from what you do when things are busy, tense or "
                        "informal, not from posters or policies. If you laugh at a remark in the canteen, people "
                        "learn that remark is fine. If you treat a difficult member of the public with patience, "
                        "people learn that is how we do it here.",
                        "Being a role model does not mean being perfect. It means being consistent, owning your "
                        "mistakes, and holding yourself to the same standard you expect of others.",
                    ),
                ),
                (
                    "text",
                    h3("The Code of Ethics")
                    + p(
                        "The College of Policing's Code of Ethics sets out the principles and behaviours expected "
                        "of everyone in policing: courage, respect and empathy, and public service, underpinned "
                        "by the policing principles such as fairness, honesty, integrity, leadership, "
                        "objectivity, openness, accountability, respect and selflessness. Leaders are expected to "
                        "promote these principles and to act on behaviour that falls short of them."
                    ),
                ),
            ],
        ),
        (
            "The small moments that count",
            [
                (
                    "text",
                    p(
                        "Research on inclusion talks about micro-behaviours: small, often unconscious actions that "
                        "signal whether someone is valued. On their own they look trivial; repeated over months "
                        "they shape whether people want to stay.",
                    )
                    + ul(
                        "Who you make eye contact with and address in a meeting.",
                        "Whose ideas you credit, and whose you repeat as your own.",
                        "Interrupting or finishing someone's sentences.",
                        "Checking a decision with the same trusted few every time.",
                        "Remembering what matters to people: a child's illness, a religious festival, a course.",
                    )
                    + p(
                        "Positive micro-behaviours are just as powerful: saying thank you by name, asking for a "
                        "view and then using it, giving credit publicly and feedback privately."
                    ),
                ),
                ("reflect", "Which small behaviour of yours might your team copy, for better or worse?"),
            ],
        ),
        (
            "A dilemma: the comment at the front counter",
            [
                (
                    "scenario",
                    "After the customer leaves",
                    p(
                        "A man of Eastern European origin has been at the front counter reporting a theft from "
                        "his van. He struggled to explain in English and became frustrated. After he leaves, an "
                        'experienced colleague says loudly, "They come over here and expect us to sort out their '
                        'problems," and a student officer on their first week laughs nervously. You are the '
                        "sergeant on duty.",
                    ),
                    "What would you do?",
                    [
                        (
                            "Say nothing now and raise it with the colleague at their next one-to-one.",
                            p(
                                "A private conversation is useful, but the student officer has just learned what "
                                "is acceptable here, and waiting weeks lets that lesson stand. A brief word at the "
                                "time, followed by a private conversation, is usually better."
                            ),
                        ),
                        (
                            "Say calmly, there and then, that the comment is not how we talk about the people "
                            "we serve, then follow up privately.",
                            p(
                                "This sets the standard in front of the person most likely to copy it. Keep it "
                                "brief and about the comment. In the private follow-up, listen: frustration at "
                                "workload is real, but it is no reason to stereotype a whole nationality. Also "
                                "check the man's report was recorded properly and that an interpreter was offered."
                            ),
                        ),
                        (
                            "Make a joke to lighten the mood and move on.",
                            p(
                                "Joining in, even to defuse tension, tells the team the comment was fine. It also "
                                "tells the student officer that laughing along is what you do."
                            ),
                        ),
                    ],
                    p(
                        "Role-modelling often means acting in the moment, briefly and calmly, and then following "
                        "up properly. The public service matters too: did the victim get the service everyone "
                        "is entitled to, including language support?"
                    ),
                ),
            ],
        ),
        (
            "Owning your mistakes",
            [
                (
                    "text",
                    p(
                        "Leaders get things wrong: a poorly judged comment, a decision that turned out to be "
                        "unfair, a name mispronounced for months. How you respond matters more than the mistake.",
                    )
                    + ol(
                        "Acknowledge it without defending or explaining it away.",
                        "Apologise to the person affected, privately unless the harm was public.",
                        "Say what you will do differently, and do it.",
                        "Thank the person who pointed it out, even if it was uncomfortable to hear.",
                    )
                    + p(
                        "When your team sees you take feedback well, they learn that challenge is welcome. That "
                        "makes the next difficult conversation easier for everyone."
                    ),
                ),
                SUPPORT,
            ],
        ),
        (
            "Check your understanding",
            [
                (
                    "check",
                    [
                        (
                            "A colleague makes a stereotyping remark in front of a new student officer. What is "
                            "usually the best response from the sergeant?",
                            "single",
                            [
                                ("Wait for the next appraisal to mention it.", False),
                                ("Address it briefly and calmly at the time, then follow up privately.", True),
                                ("Ignore it unless a complaint is made.", False),
                            ],
                            p(
                                "Addressing it at the time stops the remark becoming the norm in front of someone "
                                "learning what is acceptable; a private follow-up lets you listen and explain."
                            ),
                        ),
                        (
                            "Which are positive micro-behaviours?",
                            "multiple",
                            [
                                ("Crediting someone's idea by name in the briefing.", True),
                                ("Asking the quietest person for their view and acting on it.", True),
                                ("Always checking decisions with the same two trusted colleagues.", False),
                                ("Learning to pronounce a colleague's name correctly.", True),
                            ],
                            p(
                                "Crediting, inviting and acting on views, and getting names right all signal "
                                "that someone is valued. Always consulting the same few people excludes others."
                            ),
                        ),
                        (
                            "A team member tells you a remark you made was hurtful. What should you do first?",
                            "single",
                            [
                                ("Explain what you actually meant so they understand.", False),
                                ("Acknowledge it and apologise, without defending it.", True),
                                ("Ask whether anyone else was offended.", False),
                            ],
                            p(
                                "Start by acknowledging the impact and apologising. Explaining your intention "
                                "first can sound like you are dismissing how it landed."
                            ),
                        ),
                    ],
                ),
            ],
        ),
    ],
}

LEADING_INCLUSIVELY = {
    "slug": "leading-inclusively-and-challenging-behaviour",
    "title": "Leading inclusively and challenging behaviour",
    "summary": "Moral courage in practice: how to challenge behaviour, support the person affected and report.",
    "minutes": 40,
    "screens": [
        (
            "What moral courage is",
            [
                (
                    "text",
                    p(
                        "Physical courage is familiar in policing. Moral courage is different: doing the right "
                        "thing when it risks your popularity, your relationships or your career. It is "
                        "challenging a colleague you like, questioning a senior officer's decision, or reporting "
                        "something your team would rather you ignored.",
                        "Courage is one of the three principles of the Code of Ethics, and challenging and "
                        "reporting improper conduct is one of the Standards of Professional Behaviour. Police "
                        "officers have a positive duty to report, challenge or take action against the conduct "
                        "of colleagues that has fallen below the standards. For leaders this is not optional.",
                        "Most people who stay silent are not bad people. They worry about being wrong, being "
                        "isolated, or making things worse for the person affected. Knowing how to challenge "
                        "well makes it easier to do.",
                    ),
                ),
            ],
        ),
        (
            "How to challenge: a simple approach",
            [
                (
                    "text",
                    p(
                        "There is no single script, but challenges that work tend to be prompt, calm and about "
                        "the behaviour rather than the person. One approach is to describe, explain and expect:",
                    )
                    + ol(
                        "Describe what you saw or heard, factually: \"When you called him 'the token one'...\"",
                        "Explain the impact: \"...that singles him out because of his race, and it isn't "
                        'acceptable here."',
                        'Say what you expect: "I need that not to happen again."',
                    )
                    + p(
                        "If the moment is not right, for example during a live incident, note it and come back "
                        "to it the same day. You can also ask a question that invites the person to reflect: "
                        '"What did you mean by that?" Leaders should also make it easy for others to '
                        "challenge: thank people who do, and make sure they do not suffer for it."
                    ),
                ),
                (
                    "text",
                    h3("Support the person affected")
                    + p(
                        "Check in privately. Ask what they need rather than assuming. Some people want it "
                        "dealt with formally; others want it stopped without fuss. Be honest about what you must "
                        "report: you cannot promise to keep potential misconduct secret."
                    ),
                ),
            ],
        ),
        (
            "A dilemma: the remark in the briefing",
            [
                (
                    "scenario",
                    "A senior officer's remark",
                    p(
                        "An inspector from another department joins your team's briefing about a planned "
                        "operation on an estate with a large Somali community. While outlining the plan they "
                        'say, "You know what that lot are like, assume they\'ll all lie to you." Your team looks '
                        "at you. Two of your officers are Muslim; one is of Somali heritage.",
                    ),
                    "What would you do?",
                    [
                        (
                            "Challenge it there and then, politely but clearly.",
                            p(
                                "This is moral courage and it protects your team and the operation: briefing "
                                "officers to expect a whole community to lie risks unfair treatment and damages "
                                "trust. Something like \"Sir, I don't think we can brief that about a whole "
                                "community; let's stick to the intelligence we have\" keeps it professional."
                            ),
                        ),
                        (
                            "Let the briefing finish, then raise it with the inspector privately.",
                            p(
                                "A private challenge is still a challenge, and may feel safer with someone more "
                                "senior. But your team heard the remark and saw your reaction, so also speak to "
                                "them afterwards, and consider whether it needs reporting. The operation's "
                                "briefing should be corrected before officers deploy."
                            ),
                        ),
                        (
                            "Say nothing: the inspector outranks you.",
                            p(
                                "Rank does not change the standard. The duty to challenge and report applies to "
                                "the conduct of colleagues of any rank, and silence here tells your officers, "
                                "including those affected, that you accept it. If you feel unable to challenge "
                                "directly, you can report through your own chain of command or Professional "
                                "Standards."
                            ),
                        ),
                    ],
                    p(
                        "Challenging upwards is hard. Preparing a few phrases in advance helps, as does knowing "
                        "that the force expects and supports it. What matters most is that the remark does not "
                        "stand unchallenged and that the operation is briefed on evidence, not stereotypes."
                    ),
                ),
            ],
        ),
        (
            "When to report, and how",
            [
                (
                    "text",
                    p(
                        "Some behaviour can be dealt with by a conversation. Some must be reported: "
                        "discrimination, harassment, bullying, sexual misconduct, dishonesty and abuse of "
                        "position are examples. If you are unsure, report it and let Professional Standards "
                        "assess it. You can report to your line manager, to Professional Standards, or through "
                        "the confidential reporting line.",
                        "Reporting is not disloyalty. People who report wrongdoing are protected by law when they "
                        "make a protected disclosure, and the force must not treat them less favourably for it. "
                        "As a leader you must make sure nobody in your team is victimised for speaking up.",
                    ),
                ),
                ("reflect", "What phrases could you use to challenge a colleague, including someone senior to you?"),
                SUPPORT,
            ],
        ),
        (
            "Check your understanding",
            [
                (
                    "check",
                    [
                        (
                            "Which best describes moral courage?",
                            "single",
                            [
                                ("Running towards danger to protect the public.", False),
                                (
                                    "Doing the right thing when it risks your popularity, relationships or career.",
                                    True,
                                ),
                                ("Never questioning a lawful order.", False),
                            ],
                            p(
                                "Moral courage is about standing up for what is right at a personal or social "
                                "cost, such as challenging a colleague or a senior officer."
                            ),
                        ),
                        (
                            "Which make a challenge more likely to work?",
                            "multiple",
                            [
                                ("Describing the behaviour factually.", True),
                                ("Explaining its impact.", True),
                                ("Making it about the person's character.", False),
                                ("Saying clearly what you expect from now on.", True),
                            ],
                            p(
                                "Describe, explain and expect keeps the challenge about the behaviour and its "
                                "impact, which makes it harder to dismiss and easier to change."
                            ),
                        ),
                        (
                            "Does the duty to challenge and report improper conduct apply when the colleague "
                            "is of a higher rank?",
                            "single",
                            [
                                ("Yes, it applies whatever their rank.", True),
                                ("No, only to colleagues of the same or lower rank.", False),
                                ("Only with the agreement of your own line manager.", False),
                            ],
                            p(
                                "The standard applies to the conduct of any colleague. You may choose how and "
                                "where to challenge or report, but rank is no reason to stay silent."
                            ),
                        ),
                    ],
                ),
            ],
        ),
    ],
}

EVERYDAY_COURAGE = {
    "slug": "moral-courage-in-everyday-work",
    "title": "Moral courage in everyday work",
    "summary": "What moral courage looks like for everyone, whatever your role, and why it matters to the public.",
    "minutes": 25,
    "screens": [
        (
            "Courage is for everyone",
            [
                (
                    "text",
                    p(
                        "Moral courage is not only for leaders. A call handler who questions a grading, a "
                        "detective who discloses material that weakens their own case, a member of staff who "
                        "tells a colleague their joke was not funny: each is doing the right thing when it would "
                        "be easier not to.",
                        "Trust and confidence in policing depend on the public believing that officers and staff "
                        "will do the right thing when nobody is watching, and will not cover for colleagues who "
                        "do not. Reviews of serious misconduct cases have repeatedly found colleagues who saw "
                        "warning signs and said nothing.",
                        "This package is for every employee. It takes about 25 minutes across two short modules, "
                        "and you can stop and come back at any time: your place is saved.",
                    ),
                ),
            ],
        ),
        (
            "Why people stay silent",
            [
                (
                    "text",
                    p("Understanding what stops us makes it easier to act. Common reasons include:")
                    + ul(
                        'Not being sure it is wrong, or whether it is "my place" to say something.',
                        "Thinking someone else will deal with it (the bystander effect).",
                        "Worrying about being left out, labelled a grass or damaging your career.",
                        "Liking or respecting the person whose behaviour is the problem.",
                    )
                    + p(
                        'A useful test is to ask: "Would I be comfortable if the person affected, my family or '
                        'the public saw this and saw that I did nothing?" If not, do something, even something '
                        "small."
                    ),
                ),
                (
                    "text",
                    h3("Small actions count")
                    + ul(
                        "Not laughing along.",
                        'Changing the subject, or asking "What do you mean by that?"',
                        "Checking in with the person affected afterwards.",
                        "Telling a supervisor, or reporting confidentially.",
                    ),
                ),
            ],
        ),
        (
            "A dilemma: the shortcut",
            [
                (
                    "scenario",
                    "The missing statement",
                    p(
                        "You work in a case-building team. A colleague you get on well with asks you to date a "
                        "witness statement as if it had been taken last week, because the file is due and they "
                        "forgot to take it in time. \"It doesn't change anything, the witness said the same "
                        'thing," they say.',
                    ),
                    "What would you do?",
                    [
                        (
                            "Do it this once: the content is true.",
                            p(
                                "Falsely dating a statement is dishonest, could undermine a prosecution and "
                                "could be a criminal offence. It breaches the standard of honesty and integrity, "
                                "for you and for your colleague."
                            ),
                        ),
                        (
                            "Refuse, and suggest they tell the supervisor and explain the delay.",
                            p(
                                "This is the right thing to do and gives your colleague a way to put it right. "
                                "Late evidence can usually be explained; falsified evidence cannot."
                            ),
                        ),
                        (
                            "Refuse, and report it.",
                            p(
                                "If your colleague goes ahead anyway, or has done this before, you must report "
                                "it. Reporting protects the case, the public and, in the long run, your colleague."
                            ),
                        ),
                    ],
                    p("Integrity is what you do when the shortcut would be easy and nobody would know."),
                ),
            ],
        ),
        (
            "Check your understanding",
            [
                (
                    "check",
                    [
                        (
                            "Who is expected to show moral courage?",
                            "single",
                            [
                                ("Only officers of sergeant rank and above.", False),
                                ("Everyone, officers and staff, whatever their role.", True),
                                ("Only Professional Standards.", False),
                            ],
                            p("Moral courage is expected of everyone who works in policing."),
                        ),
                        (
                            "Which are small but useful actions when you witness inappropriate behaviour?",
                            "multiple",
                            [
                                ("Not laughing along.", True),
                                ("Checking in with the person affected.", True),
                                ("Waiting to see if someone else says something.", False),
                                ("Reporting it to a supervisor or confidentially.", True),
                            ],
                            p(
                                "Waiting for someone else is the bystander effect. Even small actions show the "
                                "behaviour is not accepted and help the person affected."
                            ),
                        ),
                    ],
                ),
            ],
        ),
    ],
}

SPEAKING_UP = {
    "slug": "speaking-up-and-being-heard",
    "title": "Speaking up and being heard",
    "summary": "How to raise a concern, where to go, and how to respond when someone raises one with you.",
    "minutes": 20,
    "screens": [
        (
            "Ways to raise a concern",
            [
                (
                    "text",
                    p(
                        "You can raise a concern in whatever way feels safest: directly with the person, with "
                        "your line manager or another supervisor, with Professional Standards, or through the "
                        "confidential reporting line. Staff networks and associations can support you and "
                        "advise you, and trade unions and the Police Federation can represent you.",
                        "Concerns about wrongdoing in the public interest are protected disclosures. You must not "
                        "be treated unfairly for making one, and anyone who victimises you for it can face "
                        "misconduct proceedings.",
                    ),
                ),
                SUPPORT,
            ],
        ),
        (
            "When someone speaks up to you",
            [
                (
                    "text",
                    p(
                        "How people react the first time someone speaks up decides whether they will do it "
                        "again. If a colleague raises something with you:",
                    )
                    + ol(
                        "Thank them, even if you disagree or it is about you.",
                        "Listen without interrupting or explaining it away.",
                        "Be honest about what happens next, including what you must pass on.",
                        "Follow up, and tell them what changed.",
                    ),
                ),
                (
                    "scenario",
                    "The quiet word",
                    p(
                        "A member of staff tells you, their supervisor, that a colleague keeps commenting on her "
                        "hijab and asking whether she is 'allowed' to do things. She says she does not want to "
                        "make a fuss and asks you to keep it to yourself.",
                    ),
                    "What would you do?",
                    [
                        (
                            "Promise to keep it confidential and do nothing.",
                            p(
                                "Her trust matters, but repeated comments about her religion may be harassment. "
                                "Doing nothing leaves her exposed and the behaviour unchallenged."
                            ),
                        ),
                        (
                            "Thank her, explain what you must do, and agree the next steps with her.",
                            p(
                                "Be honest that you cannot ignore possible harassment, and involve her in how it "
                                "is handled: often a clear conversation with the colleague is the first step. "
                                "Point her to the Association of Muslim Police or another network for support, "
                                "and check in with her afterwards."
                            ),
                        ),
                        (
                            "Raise it at the next team meeting without naming anyone.",
                            p(
                                "A general reminder may help the team, but it does not deal with the colleague's "
                                "behaviour and could identify her. Talk to the colleague directly as well."
                            ),
                        ),
                    ],
                    p("Thank, listen, be honest about what happens next, and follow up."),
                ),
                ("reflect", "Think of a time you did, or did not, speak up. What made the difference?"),
            ],
        ),
        (
            "Check your understanding",
            [
                (
                    "check",
                    [
                        (
                            "A colleague tells you that your comment upset them. What is the best first response?",
                            "single",
                            [
                                ("Explain that it was only a joke.", False),
                                ("Thank them for telling you and listen.", True),
                                ("Tell them to put it in writing.", False),
                            ],
                            p("Thanking and listening makes it more likely people will speak up again."),
                        ),
                        (
                            "Someone who makes a protected disclosure about wrongdoing:",
                            "single",
                            [
                                ("must not be treated unfairly because of it.", True),
                                ("loses the right to confidentiality.", False),
                                ("must first raise it with the person involved.", False),
                            ],
                            p(
                                "The law protects people who raise concerns about wrongdoing in the public "
                                "interest. They can go to a manager, Professional Standards or a confidential "
                                "line without speaking to the person involved first."
                            ),
                        ),
                    ],
                ),
            ],
        ),
    ],
}

MORAL_COURAGE_COURSES = [
    {
        "code": "MC-STAGE-1",
        "slug": "stage-1-first-line-leaders",
        "title": "Moral Courage stage 1: first line leaders",
        "label": "Stage 1",
        "summary": (
            "Mandatory blended learning for every first line leader: three online modules and a face-to-face "
            "session with your peers."
        ),
        "outcomes": ul(
            "Build a team environment where everyone can speak up and belong.",
            "Set the standard through your own behaviour, in small moments as well as big ones.",
            "Challenge behaviour that goes against inclusion, support the person affected, and report when needed.",
        ),
        "audience": "All first line leaders: sergeants and police staff supervisors of equivalent grades.",
        "tags": ["First line leaders"],
        "topic": "moral-courage",
        "mode": "blended",
        "minutes": 285,
        "f2f": (
            "A half-day facilitated session (about three and a half hours) where first line leaders practise "
            "challenging conversations with scenarios from across the force, and share what they will do "
            "differently. Complete the online modules before you attend if you can."
        ),
        "modules": [TEAM_ENVIRONMENT, ROLE_MODEL, LEADING_INCLUSIVELY],
        # The line manager is asked what change they have seen, 90 days after completion.
        "manager_observation_days": 90,
    },
    {
        "code": "MC-STAGE-2-XXL",
        "slug": "stage-2-moral-courage-xxl",
        "title": "Moral Courage XXL: senior leaders",
        "label": "Stage 2",
        "summary": (
            "A one-day event for superintendents, chief superintendents and senior police staff: leading the "
            "culture of a whole command, and holding each other to account."
        ),
        "outcomes": ul(
            "Recognise how senior leaders' decisions and behaviour shape culture across a command.",
            "Hold peers to account, including in senior leadership meetings.",
            "Support first line leaders who challenge and report.",
        ),
        "audience": "Senior leaders: superintendent and above, and police staff of equivalent grades.",
        "tags": ["Senior leaders"],
        "topic": "moral-courage",
        "mode": "face_to_face",
        "minutes": 420,
        "f2f": (
            "A full-day event with speakers from inside and outside policing, including colleagues from our staff "
            "networks, and facilitated discussions in small groups. Attendance completes the course."
        ),
        "modules": [],
    },
    {
        "code": "MC-STAGE-3",
        "slug": "stage-3-all-employees",
        "title": "Moral Courage stage 3: everyone",
        "label": "Stage 3",
        "summary": "A short online package for every officer, member of staff and volunteer: courage in everyday work.",
        "outcomes": ul(
            "Explain what moral courage is and why the public's trust depends on it.",
            "Recognise what stops people speaking up, and take small actions that help.",
            "Know how to raise a concern and how to respond when someone raises one with you.",
        ),
        "audience": "All employees: police officers, police staff, PCSOs, special constables and volunteers.",
        "tags": ["All employees"],
        "topic": "moral-courage",
        "mode": "online",
        "minutes": 45,
        "f2f": "",
        "modules": [EVERYDAY_COURAGE, SPEAKING_UP],
    },
]
